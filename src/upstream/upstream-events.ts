// Hooks for every upstream outcome, so metrics (or anything else) can count them without the
// upstream code knowing who listens.
import type { BreakerState } from './circuit-breaker.js'

export interface UpstreamEvents {
  /** One HTTP attempt to an upstream (the SDK's retries are further attempts). */
  attempt(upstream: string): void
  /** A call finished: `ok`, or the error code it failed with. */
  outcome(upstream: string, model: string, outcome: string, latencyMs: number): void
  fallback(from: string, to: string, reason: string): void
  breaker(upstream: string, state: BreakerState): void
}

export const noUpstreamEvents: UpstreamEvents = {
  attempt () {},
  outcome () {},
  fallback () {},
  breaker () {}
}
