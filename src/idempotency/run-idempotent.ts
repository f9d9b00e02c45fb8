// Idempotency-Key semantics (as Stripe and OpenAI clients expect): the first request with a key
// runs; a repeat with the same body gets the first answer again without running again (rebuilt by
// the caller's `replay` from what was stored); a concurrent repeat waits for the first; the same
// key with a different body is a 409. Failed runs are forgotten, so a retry after a failure runs
// again.
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { GatewayError } from '../errors/gateway-error.js'
import type { GenerateResponse } from '../schemas/generation.js'
import type { IdempotencyStore, StoredAnswer } from './idempotency-store.js'

export interface IdempotentCall {
  store: IdempotencyStore
  key: string
  body: unknown
  ttlMs: number
  /** How long a claim holds, and how long a duplicate waits for it. */
  leaseMs: number
  pollMs?: number
  /** What to keep of an answer for replays. */
  toStored: (response: GenerateResponse) => StoredAnswer
  /** Rebuilds the answer from what was kept (and whatever it refers to, as it is now). */
  replay: (stored: StoredAnswer) => Promise<GenerateResponse>
}

export interface IdempotentResult {
  response: GenerateResponse
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

export async function runIdempotent (call: IdempotentCall, execute: () => Promise<GenerateResponse>): Promise<IdempotentResult> {
  const fingerprint = fingerprintOf(call.body)
  const waitUntil = Date.now() + call.leaseMs
  for (;;) {
    const claim = await call.store.claim(call.key, fingerprint, call.leaseMs)
    if (claim.claimed) {
      let response: GenerateResponse
      try {
        response = await execute()
      } catch (error) {
        await call.store.release(call.key, claim.owner)
        throw error
      }
      await call.store.complete(call.key, fingerprint, call.toStored(response), call.ttlMs)
      return { response, replayed: false }
    }
    if (claim.record.fingerprint !== fingerprint) throw conflict()
    if (claim.record.state === 'done') return { response: await call.replay(claim.record.response), replayed: true }
    if (Date.now() > waitUntil) {
      throw new GatewayError('idempotency_in_progress')
    }
    await sleep(call.pollMs ?? 100)
  }
}

function conflict (): GatewayError {
  return new GatewayError('idempotency_key_reused')
}
