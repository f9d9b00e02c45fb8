// Idempotency-Key semantics (as Stripe and OpenAI clients expect): the first request with a key
// runs; a repeat with the same body gets the first outcome again without running again (rebuilt by
// the caller's `replay` from the generation the record names); a concurrent repeat waits for the
// first; the same key with a different body is a 409. Failed runs are forgotten, so a retry after a
// failure runs again.
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { GatewayError } from '../errors/gateway-error.js'
import type { IdempotencyStore } from './idempotency-store.js'

export interface IdempotentCall<Outcome> {
  store: IdempotencyStore
  key: string
  body: unknown
  ttlMs: number
  /** How long a claim holds, and how long a duplicate waits for it. */
  leaseMs: number
  pollMs?: number
  /** The generation an outcome stored: all the record keeps of it. */
  generationIdOf: (outcome: Outcome) => string
  /** Rebuilds the outcome from that generation, as it is stored now. */
  replay: (generationId: string) => Promise<Outcome>
}

export interface IdempotentResult<Outcome> {
  outcome: Outcome
  replayed: boolean
}

export function fingerprintOf (body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

function canonicalJson (value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export async function runIdempotent<Outcome> (call: IdempotentCall<Outcome>, execute: () => Promise<Outcome>): Promise<IdempotentResult<Outcome>> {
  const fingerprint = fingerprintOf(call.body)
  const waitUntil = Date.now() + call.leaseMs
  for (;;) {
    const claim = await call.store.claim(call.key, fingerprint, call.leaseMs)
    if (claim.claimed) {
      let outcome: Outcome
      try {
        outcome = await execute()
      } catch (error) {
        await call.store.release(call.key, claim.owner)
        throw error
      }
      await call.store.complete(call.key, fingerprint, call.generationIdOf(outcome), call.ttlMs)
      return { outcome, replayed: false }
    }
    if (claim.record.fingerprint !== fingerprint) throw conflict()
    if (claim.record.state === 'done') return { outcome: await call.replay(claim.record.generationId), replayed: true }
    if (Date.now() > waitUntil) {
      throw new GatewayError('idempotency_in_progress')
    }
    await sleep(call.pollMs ?? 100)
  }
}

function conflict (): GatewayError {
  return new GatewayError('idempotency_key_reused')
}
