// Applies REDIS_FAILURE_POLICY to every shared-state operation: run it against Redis; if Redis
// fails, either refuse the request (fail-closed, 503) or run it against this process's memory
// (fail-open). Give-backs never fail a request: a lost one only over-counts until its TTL or lease.
// After a failure Redis is bypassed (a circuit breaker) until a background probe gets an answer: a
// hung Redis costs one request one command timeout, not one timeout per command of every request.
import { ReplyError } from 'ioredis'
import { GatewayError } from '../errors/gateway-error.js'
import type { SharedStateEvents } from './shared-state-events.js'

export type RedisFailurePolicy = 'fail-closed' | 'fail-open'

export interface WarnLogger {
  warn(details: object, message: string): void
  info?(details: object, message: string): void
}

// One warning per interval at most: a dead Redis fails every request, and the log must stay useful.
const WARN_EVERY_MS = 10_000
// How often a bypassed Redis is probed. Cheap: while disconnected a probe fails at once (no offline
// queue); against a hung Redis it waits one command timeout, off every request's path.
const PROBE_EVERY_MS = 250

export function sharedStateUnavailable (cause?: unknown): GatewayError {
  return new GatewayError('shared_state_unavailable', { cause })
}

export class RedisFailureGuard {
  readonly policy: RedisFailurePolicy
  readonly #events: SharedStateEvents
  readonly #log: WarnLogger
  readonly #probe: (() => Promise<unknown>) | undefined
  #lastWarnAt = 0
  #unwarned = 0
  /** Set while Redis is bypassed: the failure that tripped the breaker. */
  #bypassedSince: unknown = undefined
  #probeTimer: NodeJS.Timeout | undefined
  #closed = false

  /** Without `probe` (a command that succeeds only when Redis answers), Redis is never bypassed. */
  constructor (policy: RedisFailurePolicy, events: SharedStateEvents, log: WarnLogger, probe?: () => Promise<unknown>) {
    this.policy = policy
    this.#events = events
    this.#log = log
    this.#probe = probe
  }

  /** True while operations skip Redis after a failure, until a probe gets an answer. */
  get bypassed (): boolean {
    return this.#bypassedSince !== undefined
  }

  /** Runs `viaRedis`; on a Redis failure, refuses (fail-closed) or runs `perProcess` (fail-open). */
  async use<T> (operation: string, viaRedis: () => Promise<T>, perProcess: () => Promise<T>): Promise<T> {
    try {
      if (this.#bypassedSince !== undefined) throw this.#bypassedSince // eslint-disable-line @typescript-eslint/only-throw-error -- rethrows the failure that tripped the bypass, as it was caught
      return await viaRedis()
    } catch (error) {
      if (error instanceof GatewayError) throw error
      this.#trip(error)
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
      if (this.#bypassedSince !== undefined) throw this.#bypassedSince // eslint-disable-line @typescript-eslint/only-throw-error -- rethrows the failure that tripped the bypass, as it was caught
      await viaRedis()
    } catch (error) {
      this.#trip(error)
      if (this.policy === 'fail-closed') {
        this.#failed(operation, 'ignored', error)
        return
      }
      this.#failed(operation, 'per_process', error)
      await perProcess().catch(() => {})
    }
  }

  /**
   * Probes Redis now (readiness checks call this): throws while it does not answer; on an answer
   * Redis is used again at once, so a replica reported ready is also using Redis.
   */
  async probeNow (): Promise<void> {
    if (this.#probe === undefined) return
    await this.#probe()
    this.#recovered()
  }

  close (): void {
    this.#closed = true
    clearTimeout(this.#probeTimer)
  }

  #trip (error: unknown): void {
    // An error reply means Redis answered (e.g. a script error): it is up, so nothing to bypass.
    if (this.#probe === undefined || this.#closed || error instanceof ReplyError || this.#bypassedSince !== undefined) return
    this.#bypassedSince = error
    this.#scheduleProbe()
  }

  #scheduleProbe (): void {
    this.#probeTimer = setTimeout(() => {
      this.probeNow().catch(() => { if (!this.#closed && this.bypassed) this.#scheduleProbe() })
    }, PROBE_EVERY_MS)
    this.#probeTimer.unref()
  }

  #recovered (): void {
    if (this.#bypassedSince === undefined) return
    this.#bypassedSince = undefined
    clearTimeout(this.#probeTimer)
    this.#log.info?.({ policy: this.policy }, 'Redis answers again: shared limits are back in use')
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
