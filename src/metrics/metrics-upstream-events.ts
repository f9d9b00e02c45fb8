// Upstream hooks (attempts, outcomes, fallbacks, breaker changes) turned into metrics, and a way to
// let several listeners hear the same events.
import type { UpstreamEvents } from '../upstream/upstream-events.js'
import type { GatewayMetrics } from './gateway-metrics.js'

export function metricsUpstreamEvents (metrics: GatewayMetrics): UpstreamEvents {
  return {
    attempt: (upstream) => metrics.upstreamAttempt(upstream),
    outcome: (upstream, model, outcome, latencyMs) => metrics.upstreamCall(upstream, model, outcome, latencyMs / 1000),
    fallback: (from, to, reason) => metrics.fallback(from, to, reason),
    breaker: (upstream, state) => metrics.breaker(upstream, state)
  }
}

export function allUpstreamEvents (listeners: UpstreamEvents[]): UpstreamEvents {
  return {
    attempt: (...args) => { for (const listener of listeners) listener.attempt(...args) },
    outcome: (...args) => { for (const listener of listeners) listener.outcome(...args) },
    fallback: (...args) => { for (const listener of listeners) listener.fallback(...args) },
    breaker: (...args) => { for (const listener of listeners) listener.breaker(...args) }
  }
}
