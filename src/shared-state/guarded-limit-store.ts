// The LimitStore the app uses when REDIS_URL is set: Redis, with REDIS_FAILURE_POLICY applied to
// every call (503 while Redis is down, or this process's memory store in its place).
import type { ConsumeResult, LeaseResult, LimitStore, WindowCounter } from '../limits/limit-store.js'
import type { RedisOrMemory } from './redis-or-memory.js'

export class GuardedLimitStore implements LimitStore {
  readonly #stores: RedisOrMemory<LimitStore>

  constructor (stores: RedisOrMemory<LimitStore>) {
    this.#stores = stores
  }

  async tryConsume (counters: WindowCounter[], amount: number): Promise<ConsumeResult> {
    return await this.#stores.use('limits.tryConsume', (store) => store.tryConsume(counters, amount))
  }

  async giveBack (keys: string[], amount: number): Promise<void> {
    await this.#stores.bestEffort('limits.giveBack', (store) => store.giveBack(keys, amount))
  }

  async peek (keys: string[]): Promise<number[]> {
    return await this.#stores.use('limits.peek', (store) => store.peek(keys))
  }

  async leaseSlot (key: string, slotId: string, limit: number, leaseMs: number): Promise<LeaseResult> {
    return await this.#stores.use('limits.leaseSlot', (store) => store.leaseSlot(key, slotId, limit, leaseMs))
  }

  async releaseSlot (key: string, slotId: string): Promise<void> {
    await this.#stores.release('limits.releaseSlot', (store) => store.releaseSlot(key, slotId))
  }

  async slotsInUse (key: string): Promise<number> {
    return await this.#stores.use('limits.slotsInUse', (store) => store.slotsInUse(key))
  }

  async close (): Promise<void> {
    await this.#stores.memory.close()
  }
}
