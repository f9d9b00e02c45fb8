// Which upstreams may serve a model, in order, each with its circuit breaker.
import type { RouteTarget } from '../config/load-upstreams.js'
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.js'
import type { Upstream } from './upstream.js'
import type { UpstreamEvents } from './upstream-events.js'

export interface RoutedTarget {
  upstream: Upstream
  breaker: CircuitBreaker
  /** The model name to send to this upstream. */
  model: string
}

export class UpstreamRouter {
  readonly #upstreams = new Map<string, { upstream: Upstream, breaker: CircuitBreaker }>()
  readonly #routes: Map<string, RouteTarget[]>
  readonly events: UpstreamEvents

  constructor (upstreams: Upstream[], routes: Map<string, RouteTarget[]>, breaker: Omit<BreakerOptions, 'onChange'>, events: UpstreamEvents) {
    this.events = events
    this.#routes = routes
    for (const upstream of upstreams) {
      this.#upstreams.set(upstream.name, {
        upstream,
        breaker: new CircuitBreaker({ ...breaker, onChange: (state) => events.breaker(upstream.name, state) })
      })
    }
  }

  targetsFor (model: string): RoutedTarget[] {
    const route = this.#routes.get(model) ?? this.#routes.get('*') ?? []
    return route.flatMap((target) => {
      const entry = this.#upstreams.get(target.upstream)
      return entry === undefined ? [] : [{ ...entry, model: target.model ?? model }]
    })
  }

  breakerStates (): Record<string, string> {
    return Object.fromEntries([...this.#upstreams].map(([name, entry]) => [name, entry.breaker.state]))
  }
}
