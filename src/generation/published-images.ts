// The images a durable link may serve: only those listed in their generation's manifest (the
// publication record), read whole from storage (the spool included) or handed out as a presigned
// URL of the bucket. routes/images.ts turns what this finds into HTTP (ranges, ETag, headers).
import type { Readable } from 'node:stream'
import type { ManifestImage } from '../schemas/generation.js'
import { isValidImagePath } from '../storage/object-keys.js'
import { openWholeObject } from '../storage/open-whole-object.js'
import type { ByteRange, Storage } from '../storage/storage.js'
import type { ManifestReader } from './manifest-reader.js'

export { IMMUTABLE_CACHE_CONTROL } from '../storage/cache-control.js'
export type { ByteRange } from '../storage/storage.js'

export interface PublishedImagesOptions {
  /** LINK_MODE=redirect: links answer with a presigned URL of this lifetime instead of the bytes. */
  redirectTtlSeconds?: number
}

/** Where a redirect sends the caller, and for how many seconds that URL works. */
export interface ImageRedirect {
  url: string
  ttlSeconds: number
}

export class PublishedImages {
  readonly #storage: Storage
  readonly #manifests: ManifestReader
  readonly #redirectTtlSeconds: number | undefined

  /** `storage` is the readable stack (spool fallback), so a generation still spooled is served. */
  constructor (storage: Storage, manifests: ManifestReader, options: PublishedImagesOptions = {}) {
    this.#storage = storage
    this.#manifests = manifests
    this.#redirectTtlSeconds = options.redirectTtlSeconds
  }

  /** The image a link names, when its generation's manifest lists it; undefined for anything else. */
  async find (storagePrefix: string, generationId: string, fileName: string): Promise<ManifestImage | undefined> {
    if (!isValidImagePath(storagePrefix, generationId, fileName)) return undefined
    const manifest = await this.#manifests.read(storagePrefix, generationId)
    const key = `${storagePrefix}/${generationId}/${fileName}`
    return manifest?.images.find((candidate) => candidate.key === key)
  }

  /** In redirect mode on a backend that presigns: the URL to send the caller to; else undefined. */
  async redirectFor (image: ManifestImage): Promise<ImageRedirect | undefined> {
    const ttlSeconds = this.#redirectTtlSeconds
    if (ttlSeconds === undefined || this.#storage.presignedGetUrl === undefined) return undefined
    return { url: await this.#storage.presignedGetUrl(image.key, ttlSeconds), ttlSeconds }
  }

  /**
   * The image's bytes (or a range of them), only when the stored object is whole; undefined when it
   * is gone. A torn object throws TornObjectError (503), and a body that ends early fails.
   */
  async open (image: ManifestImage, range?: ByteRange): Promise<Readable | undefined> {
    return (await openWholeObject(this.#storage, image.key, image.bytes, range))?.body
  }
}
