// Durable links: the stable URL each stored image is answered with. In `gateway` and `redirect`
// modes the link is the gateway's /images route (which streams the object, or redirects to a fresh
// presigned URL); in `public` mode it points at a public bucket or CDN serving the same keys.
export const IMAGE_ROUTE_PREFIX = '/images/'

export type LinkMode = 'gateway' | 'redirect' | 'public'

export type LinkBuilder = (key: string) => string

export interface LinkSettings {
  mode: LinkMode
  /** The public bucket or CDN base URL (LINK_MODE=public). */
  storagePublicUrl?: string
}

export function createLinkBuilder (links: LinkSettings, gatewayBaseUrl: () => string): LinkBuilder {
  if (links.mode === 'public') {
    const { storagePublicUrl } = links
    if (storagePublicUrl === undefined) throw new Error('LINK_MODE=public needs STORAGE_PUBLIC_URL')
    return (key) => `${storagePublicUrl}/${key}`
  }
  return (key) => `${gatewayBaseUrl()}${IMAGE_ROUTE_PREFIX}${key}`
}
