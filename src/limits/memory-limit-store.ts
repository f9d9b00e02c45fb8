// In-process LimitStore: exact for one gateway process. Expired counters and slots are swept
// periodically so memory stays bounded by the number of live windows and leases.
import type { ConsumeResult, LeaseResult, LimitStore, WindowCounter } from './limit-store.js'

interface Entry { value: number, resetAt: number }

export class MemoryLimitStore implements LimitStore {
  readonly #entries = new Map<string, Entry>()
  /** Pool key → slot id → lease expiry (epoch ms). */
  readonly #pools = new Map<string, Map<string, number>>()
  readonly #now: () => number
  readonly #sweeper: NodeJS.Timeout

  constructor (options: { now?: () => number, sweepEveryMs?: number } = {}) {
    this.#now = options.now ?? Date.now
    this.#sweeper = setInterval(() => this.#sweep(), options.sweepEveryMs ?? 60_000)
    this.#sweeper.unref()
  }

  async tryConsume (counters: WindowCounter[], amount: number): Promise<ConsumeResult> {
    // Node runs this synchronously, so check-then-add is atomic within the process.
    for (const counter of counters) {
      const used = this.#value(counter.key)
      if (used + amount > counter.limit) return { ok: false, blocked: counter, used }
    }
    for (const counter of counters) {
      const entry = this.#live(counter.key)
      if (entry === undefined) {
        this.#entries.set(counter.key, { value: amount, resetAt: counter.resetAt })
      } else {
        entry.value += amount
        entry.resetAt = Math.max(entry.resetAt, counter.resetAt)
      }
    }
    return { ok: true }
  }

  async giveBack (keys: string[], amount: number): Promise<void> {
    for (const key of keys) {
      const entry = this.#live(key)
      if (entry !== undefined) entry.value = Math.max(0, entry.value - amount)
    }
  }

  async peek (keys: string[]): Promise<number[]> {
    return keys.map((key) => this.#value(key))
  }

  async leaseSlot (key: string, slotId: string, limit: number, leaseMs: number): Promise<LeaseResult> {
    const pool = this.#livePool(key)
    if (!pool.has(slotId) && pool.size >= limit) return { ok: false, used: pool.size }
    pool.set(slotId, this.#now() + leaseMs)
    this.#pools.set(key, pool)
    return { ok: true }
  }

  async releaseSlot (key: string, slotId: string): Promise<void> {
    this.#pools.get(key)?.delete(slotId)
  }

  async slotsInUse (key: string): Promise<number> {
    return this.#livePool(key).size
  }

  async close (): Promise<void> {
    clearInterval(this.#sweeper)
    this.#entries.clear()
    this.#pools.clear()
  }

  #live (key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.resetAt <= this.#now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  #value (key: string): number {
    return this.#live(key)?.value ?? 0
  }

  #livePool (key: string): Map<string, number> {
    const pool = this.#pools.get(key) ?? new Map<string, number>()
    const now = this.#now()
    for (const [slotId, expiresAt] of pool) if (expiresAt <= now) pool.delete(slotId)
    return pool
  }

  #sweep (): void {
    const now = this.#now()
    for (const [key, entry] of this.#entries) {
      if (entry.resetAt <= now) this.#entries.delete(key)
    }
    for (const key of this.#pools.keys()) {
      if (this.#livePool(key).size === 0) this.#pools.delete(key)
    }
  }
}
