// Reads generation manifests, with a small cache: every image download needs one (for its ETag, and
// because an image without a manifest is not published). Manifests never change once written, but
// a generation can be deleted on another replica: an entry is read again after `ttlMs`, and
// `forgetKey` (called for deletions announced by any replica) drops it at once.
import type { Manifest } from '../schemas/generation.js'
import { manifestKey } from '../storage/object-keys.js'
import type { Storage } from '../storage/storage.js'

const CACHE_ENTRIES = 2000

export interface ManifestCacheOptions {
  /** How long an entry is served before storage is asked again (0: never cached). */
  ttlMs: number
  now?: () => number
}

interface CachedManifest {
  manifest: Manifest
  readAt: number
}

export class ManifestReader {
  readonly #storage: Storage
  readonly #cache = new Map<string, CachedManifest>()
  readonly #ttlMs: number
  readonly #now: () => number
  // Bumped by every forget: a read that started before a deletion must not cache what it read.
  #forgets = 0

  constructor (storage: Storage, options: ManifestCacheOptions) {
    this.#storage = storage
    this.#ttlMs = options.ttlMs
    this.#now = options.now ?? Date.now
  }

  async read (storagePrefix: string, generationId: string): Promise<Manifest | undefined> {
    const key = manifestKey(storagePrefix, generationId)
    const cached = this.#cache.get(key)
    if (cached !== undefined && this.#now() - cached.readAt < this.#ttlMs) return cached.manifest
    this.#cache.delete(key)
    const forgetsBefore = this.#forgets
    const readAt = this.#now()
    const bytes = await this.#storage.getBytes(key)
    if (bytes === undefined) return undefined
    const manifest = JSON.parse(bytes.toString('utf8')) as Manifest
    if (this.#ttlMs === 0 || forgetsBefore !== this.#forgets) return manifest
    if (this.#cache.size >= CACHE_ENTRIES) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    this.#cache.set(key, { manifest, readAt })
    return manifest
  }

  forget (storagePrefix: string, generationId: string): void {
    this.forgetKey(manifestKey(storagePrefix, generationId))
  }

  /** Drops one manifest (by its storage key) from the cache. */
  forgetKey (key: string): void {
    this.#forgets++
    this.#cache.delete(key)
  }
}
