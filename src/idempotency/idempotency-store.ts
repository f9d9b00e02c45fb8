// Idempotency records: who claimed a key, with which request, and — once done — the answer to
// replay. Behind one interface so the in-memory store can be replaced by a shared one.
import type { GenerateResponse } from '../schemas/generation.js'

export type IdempotencyRecord =
  | { state: 'pending', fingerprint: string }
  | { state: 'done', fingerprint: string, response: GenerateResponse }

export type ClaimResult = { claimed: true } | { claimed: false, record: IdempotencyRecord }

export interface IdempotencyStore {
  /** Claims `key` for a new generation unless a record exists; the claim lapses after `leaseMs`. */
  claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult>
  /** Stores the answer to replay for `ttlMs`. */
  complete(key: string, fingerprint: string, response: GenerateResponse, ttlMs: number): Promise<void>
  /** The generation failed: forget the claim so a retry can run it. */
  release(key: string): Promise<void>
  get(key: string): Promise<IdempotencyRecord | undefined>
  close(): Promise<void>
}
