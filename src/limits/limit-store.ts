// Shared counters behind every limit (image quotas, in-flight caps, failed-auth throttling). One
// small interface so the in-memory store can be swapped for a Redis one without touching callers.

export interface WindowCounter {
  key: string
  limit: number
  /** Epoch milliseconds at which the counter is forgotten (the end of its window). */
  resetAt: number
}

export type ConsumeResult =
  | { ok: true }
  | { ok: false, blocked: WindowCounter, used: number }

export type LeaseResult = { ok: true } | { ok: false, used: number }

export interface LimitStore {
  /** Atomically adds `amount` to every counter if none would then exceed its limit; else adds nothing. */
  tryConsume(counters: WindowCounter[], amount: number): Promise<ConsumeResult>
  /** Takes `amount` back from counters that still exist (never below zero). */
  giveBack(keys: string[], amount: number): Promise<void>
  /** Current values; 0 for counters that do not exist or have expired. */
  peek(keys: string[]): Promise<number[]>
  /**
   * Holds slot `slotId` of the pool `key` for `leaseMs` from now. A slot already held is renewed
   * (never refused); a new one is taken only while fewer than `limit` live slots exist. Slots whose
   * lease ran out are gone, so a holder that dies frees its slot after one lease.
   */
  leaseSlot(key: string, slotId: string, limit: number, leaseMs: number): Promise<LeaseResult>
  releaseSlot(key: string, slotId: string): Promise<void>
  /** Live (unexpired) slots of the pool `key`. */
  slotsInUse(key: string): Promise<number>
  close(): Promise<void>
}
