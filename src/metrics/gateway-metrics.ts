// The gateway's Prometheus metrics, in a registry of their own per app (never prom-client's global
// one, so tests can run several gateways in one process). Labels are bounded: route patterns, never
// URLs; tenant ids and model names through boundedLabel; never prompts or generation ids.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { BreakerState } from '../upstream/circuit-breaker.js'
import { boundedLabel } from './bounded-label.js'

const BREAKER_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 }
// Image models take seconds to minutes; storage and HTTP answers are usually milliseconds.
const UPSTREAM_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300]
const FAST_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

export class GatewayMetrics {
  readonly registry = new Registry()
  readonly #tenant = boundedLabel(1000)
  readonly #model = boundedLabel(50)
  readonly #code = boundedLabel(100)

  readonly #requests = new Counter({ name: 'igw_http_requests_total', help: 'HTTP requests answered, by route pattern, method, status and tenant (anonymous before authentication).', labelNames: ['route', 'method', 'status', 'tenant'], registers: [this.registry] })
  readonly #requestSeconds = new Histogram({ name: 'igw_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern, method and status class.', labelNames: ['route', 'method', 'status_class'], buckets: HTTP_BUCKETS, registers: [this.registry] })
  readonly #images = new Counter({ name: 'igw_images_generated_total', help: 'Images generated and stored, by tenant and model.', labelNames: ['tenant', 'model'], registers: [this.registry] })
  readonly #imageBytes = new Counter({ name: 'igw_image_bytes_stored_total', help: 'Bytes of images stored, by tenant and model.', labelNames: ['tenant', 'model'], registers: [this.registry] })
  readonly #spooled = new Counter({ name: 'igw_generations_spooled_total', help: 'Generations kept in the local spool because durable storage failed.', labelNames: ['tenant'], registers: [this.registry] })
  readonly #manifestsUnreadable = new Counter({ name: 'igw_manifest_unreadable_total', help: 'Reads of a stored generation manifest that was not valid JSON or not a valid manifest (skipped in listings, 404 generation_unreadable on its own).', registers: [this.registry] })
  readonly #rateLimited = new Counter({ name: 'igw_rate_limited_total', help: 'Requests refused with 429 by a rate or concurrency limit, by code and tenant.', labelNames: ['code', 'tenant'], registers: [this.registry] })
  readonly #quotaRejected = new Counter({ name: 'igw_quota_rejected_total', help: 'Requests refused with 429 because an image quota (per minute or per day) was used up, by code and tenant.', labelNames: ['code', 'tenant'], registers: [this.registry] })
  readonly #upstreamSeconds = new Histogram({ name: 'igw_upstream_request_duration_seconds', help: 'Time of one call to an upstream (with the SDK\'s retries), by upstream, model and outcome (ok or the error code).', labelNames: ['upstream', 'model', 'outcome'], buckets: UPSTREAM_BUCKETS, registers: [this.registry] })
  readonly #upstreamAttempts = new Counter({ name: 'igw_upstream_attempts_total', help: 'HTTP attempts to an upstream; attempts beyond igw_upstream_request_duration_seconds_count are the SDK\'s retries.', labelNames: ['upstream'], registers: [this.registry] })
  readonly #fallbacks = new Counter({ name: 'igw_upstream_fallbacks_total', help: 'Generations that moved on to the next upstream, by from, to and the failure that caused it.', labelNames: ['from', 'to', 'reason'], registers: [this.registry] })
  readonly #breakerState = new Gauge({ name: 'igw_upstream_circuit_state', help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.', labelNames: ['upstream'], registers: [this.registry] })
  readonly #breakerChanges = new Counter({ name: 'igw_upstream_circuit_transitions_total', help: 'Circuit breaker state changes per upstream, by the state entered.', labelNames: ['upstream', 'state'], registers: [this.registry] })
  readonly #redisFailures = new Counter({ name: 'igw_redis_failures_total', help: 'Shared-state operations that could not use Redis, by operation and what the failure policy did (rejected: 503; per_process: fail-open; ignored: a give-back or renewal left to TTLs).', labelNames: ['operation', 'outcome'], registers: [this.registry] })
  readonly #redisUp = new Gauge({ name: 'igw_redis_up', help: 'Whether the Redis connection of shared state is usable (1) or lost (0); absent without REDIS_URL.', registers: [this.registry] })
  readonly #storageSeconds = new Histogram({ name: 'igw_storage_operation_duration_seconds', help: 'Time of one storage operation, by driver, operation and outcome (ok, error).', labelNames: ['driver', 'operation', 'outcome'], buckets: FAST_BUCKETS, registers: [this.registry] })

  constructor (options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'igw_' })
  }

  request (route: string, method: string, status: number, tenant: string | undefined, seconds: number): void {
    this.#requests.inc({ route, method, status: String(status), tenant: tenant === undefined ? 'anonymous' : this.#tenant(tenant) })
    this.#requestSeconds.observe({ route, method, status_class: `${Math.floor(status / 100)}xx` }, seconds)
  }

  /** A 429 the gateway answered, by its error code: quota used up, or any rate or concurrency limit. */
  tooManyRequests (code: string, tenant: string | undefined): void {
    const labels = { code: this.#code(code), tenant: tenant === undefined ? 'anonymous' : this.#tenant(tenant) }
    if (code === 'image_quota_exceeded') this.#quotaRejected.inc(labels)
    else this.#rateLimited.inc(labels)
  }

  generationStored (tenant: string, model: string, images: number, bytes: number, spooled: boolean): void {
    const labels = { tenant: this.#tenant(tenant), model: this.#model(model) }
    this.#images.inc(labels, images)
    this.#imageBytes.inc(labels, bytes)
    if (spooled) this.#spooled.inc({ tenant: labels.tenant })
  }

  manifestUnreadable (): void {
    this.#manifestsUnreadable.inc()
  }

  upstreamAttempt (upstream: string): void {
    this.#upstreamAttempts.inc({ upstream })
  }

  upstreamCall (upstream: string, model: string, outcome: string, seconds: number): void {
    this.#upstreamSeconds.observe({ upstream, model: this.#model(model), outcome: this.#code(outcome) }, seconds)
  }

  fallback (from: string, to: string, reason: string): void {
    this.#fallbacks.inc({ from, to, reason: this.#code(reason) })
  }

  breaker (upstream: string, state: BreakerState, transition = true): void {
    this.#breakerState.set({ upstream }, BREAKER_VALUES[state])
    if (transition) this.#breakerChanges.inc({ upstream, state })
  }

  redisFailure (operation: string, outcome: string): void {
    this.#redisFailures.inc({ operation, outcome })
  }

  redisConnection (state: 'up' | 'down'): void {
    this.#redisUp.set(state === 'up' ? 1 : 0)
  }

  storageOperation (driver: string, operation: string, outcome: 'ok' | 'error', seconds: number): void {
    this.#storageSeconds.observe({ driver, operation, outcome }, seconds)
  }

  async exposition (): Promise<{ contentType: string, body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }
}
