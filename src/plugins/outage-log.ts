// Logging for refusals that are the expected outcome of an outage (Redis, storage or every provider
// unavailable, or the gateway shutting down): the cause is known and already reported where it was
// detected, so one warn line per code per interval, without a stack, says how many were refused.
// Logged per request at error level with stacks, a Redis outage once wrote thousands of lines a minute.
import type { FastifyBaseLogger } from 'fastify'
import type { ErrorCode } from '../errors/error-catalogue.js'
import type { GatewayError } from '../errors/gateway-error.js'

/** 503 codes that mean "a dependency is unavailable, try again", never a bug in the gateway. */
export const EXPECTED_OUTAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'shared_state_unavailable',
  'storage_unavailable',
  'upstreams_unavailable',
  'shutting_down'
])

// At most one line per code per interval; the next line carries the count refused in between.
const LOG_EVERY_MS = 10_000

export class OutageLog {
  readonly #lastLoggedAt = new Map<string, number>()
  readonly #suppressed = new Map<string, number>()
  readonly #now: () => number

  constructor (now: () => number = Date.now) {
    this.#now = now
  }

  isExpected (error: GatewayError): boolean {
    return error.status === 503 && EXPECTED_OUTAGE_CODES.has(error.code)
  }

  /** Logs the refusal at warn (the cause's message, no stack), unless this code was logged recently. */
  refused (log: FastifyBaseLogger, error: GatewayError): void {
    const now = this.#now()
    const last = this.#lastLoggedAt.get(error.code)
    if (last !== undefined && now - last < LOG_EVERY_MS) {
      this.#suppressed.set(error.code, (this.#suppressed.get(error.code) ?? 0) + 1)
      return
    }
    const reason = error.cause instanceof Error ? error.cause.message : undefined
    log.warn({ status: error.status, code: error.code, reason, refusedSinceLastLine: this.#suppressed.get(error.code) ?? 0 },
      `request refused: ${error.code} (logged at most once per ${LOG_EVERY_MS / 1000} s per code)`)
    this.#lastLoggedAt.set(error.code, now)
    this.#suppressed.set(error.code, 0)
  }
}
