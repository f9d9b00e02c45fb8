// Applies REDIS_FAILURE_POLICY to every shared-state operation: run it against Redis; if Redis
// fails, either refuse the request (fail-closed, 503) or run it against this process's memory
// (fail-open). Give-backs never fail a request: a lost one only over-counts until its TTL or lease.
import { GatewayError } from '../errors/gateway-error.js'
import type { SharedStateEvents } from './shared-state-events.js'

export type RedisFailurePolicy = 'fail-closed' | 'fail-open'

export interface WarnLogger { warn(details: object, message: string): void }

// One warning per interval at most: a dead Redis fails every request, and the log must stay useful.
const WARN_EVERY_MS = 10_000

export function sharedStateUnavailable (cause?: unknown): GatewayError {
  return new GatewayError({
    status: 503,
    type: 'server_error',
    code: 'shared_state_unavailable',
    message: 'The gateway cannot reach its shared state (Redis), so limits cannot be checked; try again shortly.',
    headers: { 'retry-after': '1' },
    cause
  })
}

export class RedisFailureGuard {
  readonly policy: RedisFailurePolicy
  readonly #events: SharedStateEvents
  readonly #log: WarnLogger
  #lastWarnAt = 0
  #unwarned = 0

  constructor (policy: RedisFailurePolicy, events: SharedStateEvents, log: WarnLogger) {
    this.policy = policy
    this.#events = events
    this.#log = log
  }

  /** Runs `viaRedis`; on a Redis failure, refuses (fail-closed) or runs `perProcess` (fail-open). */
  async use<T> (operation: string, viaRedis: () => Promise<T>, perProcess: () => Promise<T>): Promise<T> {
    try {
      return await viaRedis()
    } catch (error) {
      if (error instanceof GatewayError) throw error
      if (this.policy === 'fail-closed') {
        this.#failed(operation, 'rejected', error)
        throw sharedStateUnavailable(error)
      }
      this.#failed(operation, 'per_process', error)
      return await perProcess()
    }
  }

  /**
   * For what must not fail a request that already did its work (give-backs, releases, storing an
   * answer): on a Redis failure, fail-open runs `perProcess`, fail-closed skips it. Never throws.
   */
  async bestEffort (operation: string, viaRedis: () => Promise<void>, perProcess: () => Promise<void>): Promise<void> {
    try {
      await viaRedis()
    } catch (error) {
      if (this.policy === 'fail-closed') {
        this.#failed(operation, 'ignored', error)
        return
      }
      this.#failed(operation, 'per_process', error)
      await perProcess().catch(() => {})
    }
  }

  #failed (operation: string, outcome: 'rejected' | 'per_process' | 'ignored', error: unknown): void {
    this.#events.redisFailure(operation, outcome)
    const now = Date.now()
    if (now - this.#lastWarnAt < WARN_EVERY_MS) {
      this.#unwarned++
      return
    }
    const reason = error instanceof Error ? error.message : String(error)
    this.#log.warn({ operation, outcome, policy: this.policy, reason, failuresSinceLastWarning: this.#unwarned },
      outcome === 'per_process' ? 'Redis unavailable: using per-process limits (REDIS_FAILURE_POLICY=fail-open)' : 'Redis unavailable')
    this.#lastWarnAt = now
    this.#unwarned = 0
  }
}
