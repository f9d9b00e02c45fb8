// The IdempotencyStore the app uses when REDIS_URL is set: Redis, with REDIS_FAILURE_POLICY applied.
// Storing an answer never fails the request that produced it: the images are already paid for.
import type { ClaimResult, IdempotencyRecord, IdempotencyStore } from '../idempotency/idempotency-store.js'
import type { RedisOrMemory } from './redis-or-memory.js'

export class GuardedIdempotencyStore implements IdempotencyStore {
  readonly #stores: RedisOrMemory<IdempotencyStore>

  constructor (stores: RedisOrMemory<IdempotencyStore>) {
    this.#stores = stores
  }

  async claim (key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult> {
    return await this.#stores.use('idempotency.claim', (store) => store.claim(key, fingerprint, leaseMs))
  }

  async complete (key: string, fingerprint: string, generationId: string, ttlMs: number): Promise<void> {
    await this.#stores.bestEffort('idempotency.complete', (store) => store.complete(key, fingerprint, generationId, ttlMs))
  }

  async release (key: string, owner: string): Promise<void> {
    await this.#stores.release('idempotency.release', (store) => store.release(key, owner))
  }

  async get (key: string): Promise<IdempotencyRecord | undefined> {
    return await this.#stores.use('idempotency.get', (store) => store.get(key))
  }

  async close (): Promise<void> {
    await this.#stores.memory.close()
  }
}
