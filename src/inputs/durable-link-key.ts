// Which stored image a durable link names, read from the link alone (never fetched): a link is
// this gateway's exactly when it starts with what the link builder puts before a storage key
// (`<base>/images/` in gateway and redirect modes, `<STORAGE_PUBLIC_URL>/` in public mode) and
// the rest is a key an image could be stored under.
import type { LinkBuilder } from '../storage/links.js'
import { isValidImagePath } from '../storage/object-keys.js'

export interface LinkedImage {
  storagePrefix: string
  generationId: string
  /** `<index>.<ext>`, as in the storage key. */
  file: string
  key: string
}

export function imageOfDurableLink (link: string, linkTo: LinkBuilder): LinkedImage | undefined {
  const url = parseUrl(link)
  const base = parseUrl(linkTo(''))
  if (url === undefined || base === undefined) return undefined
  // Origins compare normalised (host case, default port); anything a link never carries is refused.
  if (url.origin !== base.origin || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined
  if (!url.pathname.startsWith(base.pathname)) return undefined
  const key = url.pathname.slice(base.pathname.length)
  const [storagePrefix, generationId, file, ...rest] = key.split('/')
  if (storagePrefix === undefined || generationId === undefined || file === undefined || rest.length > 0) return undefined
  if (!isValidImagePath(storagePrefix, generationId, file)) return undefined
  return { storagePrefix, generationId, file, key }
}

function parseUrl (text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}
