// A circuit breaker per upstream: after `failures` consecutive failed calls it opens and the
// upstream is skipped; after `cooldownMs` one probe call is let through (half-open): its success
// closes the circuit, its failure opens it for another cooldown.
export type BreakerState = 'closed' | 'open' | 'half-open'

export interface BreakerOptions {
  failures: number
  cooldownMs: number
  now?: () => number
  onChange?: (state: BreakerState) => void
}

export class CircuitBreaker {
  #state: BreakerState = 'closed'
  #consecutiveFailures = 0
  #openedAt = 0
  #probing = false
  readonly #options: BreakerOptions
  readonly #now: () => number

  constructor (options: BreakerOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  get state (): BreakerState {
    return this.#state
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it would now). */
  get retryInMs (): number {
    return this.#state === 'open' ? Math.max(0, this.#openedAt + this.#options.cooldownMs - this.#now()) : 0
  }

  /** Whether a call may go to this upstream now; in half-open, only one probe at a time. */
  tryAcquire (): boolean {
    if (this.#state === 'closed') return true
    if (this.#state === 'open') {
      if (this.retryInMs > 0) return false
      this.#set('half-open')
    }
    if (this.#probing) return false
    this.#probing = true
    return true
  }

  success (): void {
    this.#probing = false
    this.#consecutiveFailures = 0
    if (this.#state !== 'closed') this.#set('closed')
  }

  failure (): void {
    this.#probing = false
    this.#consecutiveFailures++
    if (this.#state === 'half-open' || this.#consecutiveFailures >= this.#options.failures) {
      this.#openedAt = this.#now()
      if (this.#state !== 'open') this.#set('open')
    }
  }

  /** The call neither proved nor disproved the upstream's health (e.g. the caller's own bad input). */
  release (): void {
    this.#probing = false
  }

  #set (state: BreakerState): void {
    this.#state = state
    this.#options.onChange?.(state)
  }
}
