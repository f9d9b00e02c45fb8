// A Redis store and its per-process stand-in, with REDIS_FAILURE_POLICY between them: each guarded
// store (limits, idempotency, request rates) says what to run against a store, once, and this runs
// it against Redis or, when Redis fails and the policy allows, against memory.
import type { RedisFailureGuard } from './redis-failure-guard.js'

export class RedisOrMemory<Store> {
  readonly redis: Store
  readonly memory: Store
  readonly #guard: RedisFailureGuard

  constructor (redis: Store, memory: Store, guard: RedisFailureGuard) {
    this.redis = redis
    this.memory = memory
    this.#guard = guard
  }

  /** Runs `operation` against Redis; on a Redis failure, refuses (fail-closed, 503) or runs it in memory. */
  async use<T> (name: string, operation: (store: Store) => Promise<T>): Promise<T> {
    return await this.#guard.use(name, () => operation(this.redis), () => operation(this.memory))
  }

  /** For what must not fail a request that already did its work (give-backs, stored answers). Never throws. */
  async bestEffort (name: string, operation: (store: Store) => Promise<void>): Promise<void> {
    await this.#guard.bestEffort(name, () => operation(this.redis), () => operation(this.memory))
  }

  /**
   * Releases something held under a unique id (a slot, a claim's owner) in Redis, best effort, and
   * in memory too: it may have been taken there while Redis was down, and since the id is unique,
   * releasing it in both stores can only ever free this holder's own.
   */
  async release (name: string, operation: (store: Store) => Promise<void>): Promise<void> {
    await this.bestEffort(name, operation)
    await operation(this.memory)
  }

  /** The same pair one level down (e.g. a per-route child store), under the same guard. */
  map<Child> (derive: (store: Store) => Child): RedisOrMemory<Child> {
    return new RedisOrMemory(derive(this.redis), derive(this.memory), this.#guard)
  }
}
