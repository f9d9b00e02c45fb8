// In-process LimitStore: exact for one gateway process. Expired counters are swept periodically so
// memory stays bounded by the number of live windows.
import type { ConsumeResult, LimitStore, WindowCounter } from './limit-store.js'

interface Entry { value: number, resetAt: number }

export class MemoryLimitStore implements LimitStore {
  readonly #entries = new Map<string, Entry>()
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

  async close (): Promise<void> {
    clearInterval(this.#sweeper)
    this.#entries.clear()
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

  #sweep (): void {
    const now = this.#now()
    for (const [key, entry] of this.#entries) {
      if (entry.resetAt <= now) this.#entries.delete(key)
    }
  }
}
