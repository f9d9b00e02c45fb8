// Reads generation manifests, with a small cache: manifests never change once written, and every
// image download needs one (for its ETag, and because an image without a manifest is not published).
import type { Manifest } from '../schemas/generation.js'
import { manifestKey } from '../storage/object-keys.js'
import type { Storage } from '../storage/storage.js'

const CACHE_ENTRIES = 2000

export class ManifestReader {
  readonly #storage: Storage
  readonly #cache = new Map<string, Manifest>()

  constructor (storage: Storage) {
    this.#storage = storage
  }

  async read (storagePrefix: string, generationId: string): Promise<Manifest | undefined> {
    const key = manifestKey(storagePrefix, generationId)
    const cached = this.#cache.get(key)
    if (cached !== undefined) return cached
    const bytes = await this.#storage.getBytes(key)
    if (bytes === undefined) return undefined
    const manifest = JSON.parse(bytes.toString('utf8')) as Manifest
    if (this.#cache.size >= CACHE_ENTRIES) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    this.#cache.set(key, manifest)
    return manifest
  }

  forget (storagePrefix: string, generationId: string): void {
    this.#cache.delete(manifestKey(storagePrefix, generationId))
  }
}
