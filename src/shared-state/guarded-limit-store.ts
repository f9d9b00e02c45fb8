// The LimitStore the app uses when REDIS_URL is set: Redis, with REDIS_FAILURE_POLICY applied to
// every call (503 while Redis is down, or this process's memory store in its place).
import type { ConsumeResult, LeaseResult, LimitStore, WindowCounter } from '../limits/limit-store.js'
import type { RedisFailureGuard } from './redis-failure-guard.js'

export class GuardedLimitStore implements LimitStore {
  readonly #redis: LimitStore
  readonly #memory: LimitStore
  readonly #guard: RedisFailureGuard

  constructor (redis: LimitStore, memory: LimitStore, guard: RedisFailureGuard) {
    this.#redis = redis
    this.#memory = memory
    this.#guard = guard
  }

  async tryConsume (counters: WindowCounter[], amount: number): Promise<ConsumeResult> {
    return await this.#guard.use('limits.tryConsume', () => this.#redis.tryConsume(counters, amount), () => this.#memory.tryConsume(counters, amount))
  }

  async giveBack (keys: string[], amount: number): Promise<void> {
    await this.#guard.bestEffort('limits.giveBack', () => this.#redis.giveBack(keys, amount), () => this.#memory.giveBack(keys, amount))
  }

  async peek (keys: string[]): Promise<number[]> {
    return await this.#guard.use('limits.peek', () => this.#redis.peek(keys), () => this.#memory.peek(keys))
  }

  async leaseSlot (key: string, slotId: string, limit: number, leaseMs: number): Promise<LeaseResult> {
    return await this.#guard.use('limits.leaseSlot', () => this.#redis.leaseSlot(key, slotId, limit, leaseMs), () => this.#memory.leaseSlot(key, slotId, limit, leaseMs))
  }

  async releaseSlot (key: string, slotId: string): Promise<void> {
    await this.#guard.bestEffort('limits.releaseSlot', () => this.#redis.releaseSlot(key, slotId), () => this.#memory.releaseSlot(key, slotId))
    // The slot may have been taken in memory while Redis was down; slot ids are unique, so
    // releasing it there too can only ever free this slot.
    await this.#memory.releaseSlot(key, slotId)
  }

  async slotsInUse (key: string): Promise<number> {
    return await this.#guard.use('limits.slotsInUse', () => this.#redis.slotsInUse(key), () => this.#memory.slotsInUse(key))
  }

  async close (): Promise<void> {
    await this.#memory.close()
  }
}
