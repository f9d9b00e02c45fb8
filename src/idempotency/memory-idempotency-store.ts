// In-process idempotency records, for one gateway process; expired records are swept.
import { randomUUID } from 'node:crypto'
import type { ClaimResult, IdempotencyRecord, IdempotencyStore } from './idempotency-store.js'

interface Entry { record: IdempotencyRecord, expiresAt: number, owner?: string }

export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>()
  readonly #sweeper = setInterval(() => this.#sweep(), 60_000)

  constructor () {
    this.#sweeper.unref()
  }

  async claim (key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult> {
    // No await before the write: check-and-claim must not interleave with another claim.
    const existing = this.#live(key)
    if (existing !== undefined) return { claimed: false, record: existing }
    const owner = randomUUID()
    this.#entries.set(key, { record: { state: 'pending', fingerprint }, expiresAt: Date.now() + leaseMs, owner })
    return { claimed: true, owner }
  }

  async complete (key: string, fingerprint: string, generationId: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, { record: { state: 'done', fingerprint, generationId }, expiresAt: Date.now() + ttlMs })
  }

  async release (key: string, owner: string): Promise<void> {
    const entry = this.#entries.get(key)
    if (entry?.record.state === 'pending' && entry.owner === owner) this.#entries.delete(key)
  }

  async get (key: string): Promise<IdempotencyRecord | undefined> {
    return this.#live(key)
  }

  #live (key: string): IdempotencyRecord | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.record
  }

  async close (): Promise<void> {
    clearInterval(this.#sweeper)
  }

  #sweep (): void {
    const now = Date.now()
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key)
  }
}
