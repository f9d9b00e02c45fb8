// Reading, listing and deleting a tenant's stored generations. Every lookup is confined to the
// tenant's own storage prefix, so another tenant's ids are simply not found.
import { GatewayError } from '../errors/gateway-error.js'
import type { Manifest } from '../schemas/generation.js'
import { GENERATION_ID, manifestKey } from '../storage/object-keys.js'
import type { Storage } from '../storage/storage.js'
import type { Tenant } from '../tenants/tenant.js'
import type { ManifestReader } from './manifest-reader.js'

/** Tells every replica's manifest cache that a manifest is gone (shared-state/manifest-invalidations). */
export type AnnounceDeleted = (manifestKey: string) => Promise<void>

export interface GenerationPage {
  manifests: Manifest[]
  hasMore: boolean
}

export class GenerationRecords {
  readonly #storage: Storage
  readonly #manifests: ManifestReader
  readonly #announceDeleted: AnnounceDeleted

  constructor (storage: Storage, manifests: ManifestReader, announceDeleted: AnnounceDeleted = async () => {}) {
    this.#storage = storage
    this.#manifests = manifests
    this.#announceDeleted = announceDeleted
  }

  async get (tenant: Tenant, generationId: string): Promise<Manifest> {
    if (!GENERATION_ID.test(generationId)) throw noSuchGeneration()
    const found = await this.#manifests.lookup(tenant.storagePrefix, generationId)
    if (found.state === 'unreadable') throw new GatewayError('generation_unreadable')
    if (found.state === 'missing') throw noSuchGeneration()
    return found.manifest
  }

  /**
   * Newest first (generation ids sort that way). Generations without a manifest are skipped, and
   * so are unreadable ones (the reader logs and counts them): one bad file never fails a page.
   */
  async list (tenant: Tenant, limit: number, after?: string): Promise<GenerationPage> {
    // The route's schema already refuses such a cursor; this guards any other caller.
    if (after !== undefined && !GENERATION_ID.test(after)) throw new GatewayError('invalid_value', { message: 'after must be a generation id (the last_id of the previous page).', param: 'after' })
    const folders = await this.#storage.listFolders(`${tenant.storagePrefix}/`, { limit, startAfter: after })
    const manifests = await Promise.all(folders.names
      .filter((name) => GENERATION_ID.test(name))
      .map((name) => this.#manifests.read(tenant.storagePrefix, name)))
    return { manifests: manifests.filter((manifest) => manifest !== undefined), hasMore: folders.truncated }
  }

  /** Unpublishes first (the manifest), then removes every object of the generation. */
  async delete (tenant: Tenant, generationId: string): Promise<void> {
    // An unreadable generation can still be deleted: it is the tenant's, and it serves nothing.
    if (!GENERATION_ID.test(generationId)) throw noSuchGeneration()
    const found = await this.#manifests.lookup(tenant.storagePrefix, generationId)
    if (found.state === 'missing') throw noSuchGeneration()
    const key = manifestKey(tenant.storagePrefix, generationId)
    await this.#storage.delete([key])
    this.#manifests.forget(tenant.storagePrefix, generationId)
    // Before the images go: other replicas stop serving the generation from their caches at once.
    await this.#announceDeleted(key)
    const leftovers = await this.#storage.list(`${tenant.storagePrefix}/${generationId}/`)
    await this.#storage.delete(leftovers)
  }
}

function noSuchGeneration (): GatewayError {
  return new GatewayError('not_found', { message: 'No such generation.' })
}
