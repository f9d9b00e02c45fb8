// The IdempotencyStore the app uses when REDIS_URL is set: Redis, with REDIS_FAILURE_POLICY applied.
// Storing an answer never fails the request that produced it: the images are already paid for.
import type { ClaimResult, IdempotencyRecord, IdempotencyStore } from '../idempotency/idempotency-store.js'
import type { RedisFailureGuard } from './redis-failure-guard.js'

export class GuardedIdempotencyStore implements IdempotencyStore {
  readonly #redis: IdempotencyStore
  readonly #memory: IdempotencyStore
  readonly #guard: RedisFailureGuard

  constructor (redis: IdempotencyStore, memory: IdempotencyStore, guard: RedisFailureGuard) {
    this.#redis = redis
    this.#memory = memory
    this.#guard = guard
  }

  async claim (key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult> {
    return await this.#guard.use('idempotency.claim', () => this.#redis.claim(key, fingerprint, leaseMs), () => this.#memory.claim(key, fingerprint, leaseMs))
  }

  async complete (key: string, fingerprint: string, generationId: string, ttlMs: number): Promise<void> {
    await this.#guard.bestEffort('idempotency.complete', () => this.#redis.complete(key, fingerprint, generationId, ttlMs), () => this.#memory.complete(key, fingerprint, generationId, ttlMs))
  }

  async release (key: string, owner: string): Promise<void> {
    // Owners are unique, so releasing in both stores only ever drops this caller's own claim.
    await this.#guard.bestEffort('idempotency.release', () => this.#redis.release(key, owner), () => this.#memory.release(key, owner))
    await this.#memory.release(key, owner)
  }

  async get (key: string): Promise<IdempotencyRecord | undefined> {
    return await this.#guard.use('idempotency.get', () => this.#redis.get(key), () => this.#memory.get(key))
  }

  async close (): Promise<void> {
    await this.#memory.close()
  }
}
