// Slows down key guessing: after `max` failed authentications from one client address within a
// fixed window, that address gets 429 until the window ends, whatever key it tries.
import { GatewayError } from '../errors/gateway-error.js'
import type { LimitStore } from './limit-store.js'

export interface AuthFailureLimits {
  max: number
  windowMs: number
}

export class AuthFailureThrottle {
  readonly #store: LimitStore
  readonly #limits: AuthFailureLimits
  readonly #now: () => number

  constructor (store: LimitStore, limits: AuthFailureLimits, now: () => number = Date.now) {
    this.#store = store
    this.#limits = limits
    this.#now = now
  }

  #window (address: string) {
    const now = this.#now()
    const start = now - (now % this.#limits.windowMs)
    return { key: `authfail:${address}:${start}`, resetAt: start + this.#limits.windowMs, now }
  }

  /** Throws 429 when this address has used up its failed attempts. */
  async check (address: string): Promise<void> {
    const window = this.#window(address)
    const [failures = 0] = await this.#store.peek([window.key])
    if (failures < this.#limits.max) return
    throw new GatewayError('too_many_failed_authentications', {
      headers: { 'retry-after': String(Math.max(1, Math.ceil((window.resetAt - window.now) / 1000))) }
    })
  }

  async record (address: string): Promise<void> {
    const window = this.#window(address)
    await this.#store.tryConsume([{ key: window.key, limit: Number.MAX_SAFE_INTEGER, resetAt: window.resetAt }], 1)
  }
}
