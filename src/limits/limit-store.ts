// Shared counters behind every limit (image quotas, in-flight caps, failed-auth throttling). One
// small interface so the in-memory store can be swapped for a Redis one without touching callers.

export interface WindowCounter {
  key: string
  limit: number
  /** Epoch milliseconds at which the counter is forgotten (the end of its window or lease). */
  resetAt: number
}

export type ConsumeResult =
  | { ok: true }
  | { ok: false, blocked: WindowCounter, used: number }

export interface LimitStore {
  /** Atomically adds `amount` to every counter if none would then exceed its limit; else adds nothing. */
  tryConsume(counters: WindowCounter[], amount: number): Promise<ConsumeResult>
  /** Takes `amount` back from counters that still exist (never below zero). */
  giveBack(keys: string[], amount: number): Promise<void>
  /** Current values; 0 for counters that do not exist or have expired. */
  peek(keys: string[]): Promise<number[]>
  close(): Promise<void>
}
