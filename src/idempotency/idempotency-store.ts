// Idempotency records: who claimed a key, with which request, and — once done — the generation a
// replay is rebuilt from. Behind one interface so the in-memory store can be replaced by a shared
// one (Redis, for many replicas).

/**
 * A finished record keeps only the generation id, not a copy of the answer: a replay re-reads the
 * manifest, so it notices a deleted generation and answers with what is stored now.
 */
export type IdempotencyRecord =
  | { state: 'pending', fingerprint: string }
  | { state: 'done', fingerprint: string, generationId: string }

/** `owner` identifies this claim, so releasing it can never drop a later claim by someone else. */
export type ClaimResult = { claimed: true, owner: string } | { claimed: false, record: IdempotencyRecord }

export interface IdempotencyStore {
  /** Claims `key` for a new generation unless a record exists; the claim lapses after `leaseMs`. */
  claim(key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult>
  /** Records the generation the key produced, replayed for `ttlMs`. */
  complete(key: string, fingerprint: string, generationId: string, ttlMs: number): Promise<void>
  /** The generation failed: forget the claim (if it is still `owner`'s) so a retry can run it. */
  release(key: string, owner: string): Promise<void>
  get(key: string): Promise<IdempotencyRecord | undefined>
  close(): Promise<void>
}
