// Durable links: a stable URL per stored image, served by the gateway's /images route.
export const IMAGE_ROUTE_PREFIX = '/images/'

export type BaseUrlSource = () => string

export function durableUrl (baseUrl: string, key: string): string {
  return `${baseUrl}${IMAGE_ROUTE_PREFIX}${key}`
}
