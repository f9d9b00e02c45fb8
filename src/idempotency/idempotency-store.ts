// Idempotency records: who claimed a key, with which request, and — once done — the answer to
// replay. Behind one interface so the in-memory store can be replaced by a shared one (Redis, for many replicas).
import type { GenerateResponse } from '../schemas/generation.js'

export type IdempotencyRecord =
  | { state: 'pending', fingerprint: string }
  | { state: 'done', fingerprint: string, response: GenerateResponse }

/** `owner` identifies this claim, so releasing it can never drop a later claim by someone else. */
export type ClaimResult = { claimed: true, owner: string } | { claimed: false, record: IdempotencyRecord }

export interface IdempotencyStore {
  /** Claims `key` for a new generation unless a record exists; the claim lapses after `leaseMs`. */
  claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult>
  /** Stores the answer to replay for `ttlMs`. */
  complete(key: string, fingerprint: string, response: GenerateResponse, ttlMs: number): Promise<void>
  /** The generation failed: forget the claim (if it is still `owner`'s) so a retry can run it. */
  release(key: string, owner: string): Promise<void>
  get(key: string): Promise<IdempotencyRecord | undefined>
  close(): Promise<void>
}
