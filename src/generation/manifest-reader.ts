// Reads generation manifests, with a small cache: every image download needs one (for its ETag, and
// because an image without a manifest is not published). Manifests never change once written, but
// a generation can be deleted on another replica: an entry is read again after `ttlMs`, and
// `forgetKey` (called for deletions announced by any replica) drops it at once.
// A stored manifest is checked against the Manifest schema on the way in: one unreadable file (a
// corrupt write, an answer stored before provider answers were checked) must not fail a listing or
// a restart, so it is reported (log, metric) and treated as unpublished.
import { Value } from '@sinclair/typebox/value'
import { Manifest } from '../schemas/generation.js'
import { GENERATION_ID, manifestKey } from '../storage/object-keys.js'
import type { Storage } from '../storage/storage.js'

const CACHE_ENTRIES = 2000

/** What a lookup found: the manifest, nothing, or a file that is not a valid manifest. */
export type ManifestLookup = { state: 'found', manifest: Manifest } | { state: 'missing' } | { state: 'unreadable' }

/** Told once per read of an unreadable manifest: its key and why (never its content). */
export type OnUnreadableManifest = (key: string, reason: string) => void

export interface ManifestReaderOptions {
  /** How long an entry is served before storage is asked again (0: never cached). */
  ttlMs: number
  now?: () => number
  onUnreadable?: OnUnreadableManifest
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
  readonly #onUnreadable: OnUnreadableManifest
  // Bumped by every forget: a read that started before a deletion must not cache what it read.
  #forgets = 0

  constructor (storage: Storage, options: ManifestReaderOptions) {
    this.#storage = storage
    this.#ttlMs = options.ttlMs
    this.#now = options.now ?? Date.now
    this.#onUnreadable = options.onUnreadable ?? (() => {})
  }

  /** The manifest, or undefined when there is none or it is unreadable (reported). */
  async read (storagePrefix: string, generationId: string): Promise<Manifest | undefined> {
    const found = await this.lookup(storagePrefix, generationId)
    return found.state === 'found' ? found.manifest : undefined
  }

  /**
   * `fresh` reads storage whatever the cache holds (e.g. a replay, which must notice a deletion made
   * on another replica a moment ago), without evicting the entry or affecting reads in flight.
   */
  async lookup (storagePrefix: string, generationId: string, options: { fresh?: boolean } = {}): Promise<ManifestLookup> {
    // Only a generation id becomes a storage key: an id from elsewhere (an idempotency record read
    // back from Redis) names no generation otherwise, whatever it holds.
    if (!GENERATION_ID.test(generationId)) return { state: 'missing' }
    const key = manifestKey(storagePrefix, generationId)
    const cached = this.#cache.get(key)
    if (options.fresh !== true && cached !== undefined && this.#now() - cached.readAt < this.#ttlMs) return { state: 'found', manifest: cached.manifest }
    this.#cache.delete(key)
    const forgetsBefore = this.#forgets
    const readAt = this.#now()
    const bytes = await this.#storage.getBytes(key)
    if (bytes === undefined) return { state: 'missing' }
    const parsed = parseManifest(bytes)
    if (typeof parsed === 'string') {
      // Not cached: a repaired file is read again next time.
      this.#onUnreadable(key, parsed)
      return { state: 'unreadable' }
    }
    if (this.#ttlMs === 0 || forgetsBefore !== this.#forgets) return { state: 'found', manifest: parsed }
    if (this.#cache.size >= CACHE_ENTRIES) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    this.#cache.set(key, { manifest: parsed, readAt })
    return { state: 'found', manifest: parsed }
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

/** The manifest, or why it is not one. */
function parseManifest (bytes: Buffer): Manifest | string {
  let parsed: unknown
  try {
    parsed = JSON.parse(bytes.toString('utf8'))
  } catch {
    return 'not valid JSON'
  }
  if (Value.Check(Manifest, parsed)) return parsed
  const first = Value.Errors(Manifest, parsed).First()
  return `${first?.path || '/'}: ${first?.message ?? 'not a manifest'}`
}
