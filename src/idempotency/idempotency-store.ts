// Idempotency records: who claimed a key, with which request, and — once done — what a replay is
// rebuilt from. Behind one interface so the in-memory store can be replaced by a shared one (Redis,
// for many replicas).
import type { GenerateResponse } from '../schemas/generation.js'

/**
 * The generation a key produced (`id`) and the answer's fields its manifest does not keep. The
 * images are not here: a replay re-reads the manifest, so a deleted generation is noticed.
 */
export type StoredAnswer = Omit<GenerateResponse, 'data'>

export type IdempotencyRecord =
  | { state: 'pending', fingerprint: string }
  | { state: 'done', fingerprint: string, response: StoredAnswer }

/** `owner` identifies this claim, so releasing it can never drop a later claim by someone else. */
export type ClaimResult = { claimed: true, owner: string } | { claimed: false, record: IdempotencyRecord }

export interface IdempotencyStore {
  /** Claims `key` for a new generation unless a record exists; the claim lapses after `leaseMs`. */
  claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult>
  /** Stores what a replay is rebuilt from, for `ttlMs`. */
  complete(key: string, fingerprint: string, response: StoredAnswer, ttlMs: number): Promise<void>
  /** The generation failed: forget the claim (if it is still `owner`'s) so a retry can run it. */
  release(key: string, owner: string): Promise<void>
  get(key: string): Promise<IdempotencyRecord | undefined>
  close(): Promise<void>
}
