// Gets verified images for a request from the first upstream that can give them: tries the model's
// targets in order, skipping open circuits, and falls back on any failure the provider (not the
// caller) is to blame for — errors, timeouts, rate limits, empty answers, broken images. The
// breakers and the outcome events are this router's own; callers see one call and its result.
import type { RouteTarget } from '../config/load-upstreams.js'
import { GatewayError } from '../errors/gateway-error.js'
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker.js'
import { mapUpstreamError } from './map-upstream-error.js'
import type { Upstream, UpstreamAnswer, UpstreamCall } from './upstream.js'
import type { UpstreamEvents } from './upstream-events.js'
import { verifyImages, type ImageChecks, type VerifiedImage } from './verify-images.js'

export interface UpstreamRouterOptions {
  upstreams: Upstream[]
  /** Model → the upstreams that may serve it, in order (`*`: any other model). */
  routes: Map<string, RouteTarget[]>
  breaker: Omit<BreakerOptions, 'onChange'>
  events: UpstreamEvents
  /** What an answer's images must pass before the answer counts as a success. */
  images: ImageChecks
}

export interface RoutedGeneration {
  answer: UpstreamAnswer
  /** In the answer's order, each a whole image within the limits. */
  images: VerifiedImage[]
  /** The upstream that made the images, and the model name it was sent. */
  upstream: string
  upstreamModel: string
}

interface RoutedTarget {
  upstream: Upstream
  breaker: CircuitBreaker
  /** The model name to send to this upstream. */
  model: string
}

export class UpstreamRouter {
  readonly #upstreams = new Map<string, { upstream: Upstream, breaker: CircuitBreaker }>()
  readonly #routes: Map<string, RouteTarget[]>
  readonly #events: UpstreamEvents
  readonly #images: ImageChecks

  constructor ({ upstreams, routes, breaker, events, images }: UpstreamRouterOptions) {
    this.#events = events
    this.#routes = routes
    this.#images = images
    for (const upstream of upstreams) {
      this.#upstreams.set(upstream.name, {
        upstream,
        breaker: new CircuitBreaker({ ...breaker, onChange: (state) => events.breaker(upstream.name, state) })
      })
    }
  }

  /**
   * One provider call of any operation, through the model's targets. `deadlineMs` bounds the whole
   * call: every attempt, fallback and image download. With `onPartial`, a target that streams is
   * asked to; once a partial image was passed on, a failure is final (no fallback: the caller has
   * seen this provider's images).
   */
  async run (call: Omit<UpstreamCall, 'signal'>, options: { deadlineMs: number }): Promise<RoutedGeneration> {
    const deadline = AbortSignal.timeout(options.deadlineMs)
    const { request } = call
    const targets = this.#targetsFor(request.model)
    let lastError: GatewayError | undefined
    let skippedRetryInMs: number | undefined
    for (const [index, target] of targets.entries()) {
      if (!target.breaker.tryAcquire()) {
        skippedRetryInMs = Math.min(skippedRetryInMs ?? Infinity, target.breaker.retryInMs)
        continue
      }
      const startedAt = performance.now()
      let answer: UpstreamAnswer | undefined
      let partialPassedOn = false
      try {
        answer = await target.upstream.call({
          ...streamingFor(call, target, () => { partialPassedOn = true }),
          request: { ...request, model: target.model },
          signal: deadline
        })
        // Only a WxH size is compared with the images (check-image-dimensions.ts); edits often say `auto`.
        const images = await verifyImages(answer, target.upstream.downloadHosts, { maxPixels: this.#images.maxPixels, requestedSize: request.size }, this.#images.download, deadline)
        target.breaker.success()
        this.#events.outcome(target.upstream.name, target.model, 'ok', performance.now() - startedAt)
        return { answer, images, upstream: target.upstream.name, upstreamModel: target.model }
      } catch (error) {
        if (deadline.aborted) {
          target.breaker.failure()
          this.#events.outcome(target.upstream.name, target.model, 'deadline', performance.now() - startedAt)
          throw new GatewayError('upstream_deadline', { message: `No image within the gateway's deadline of ${options.deadlineMs} ms.`, cause: error })
        }
        const mapped = mapUpstreamError(error)
        // An answer whose images failed the checks: the provider's id for it is what its support asks for.
        mapped.providerRequestId ??= answer?.requestId
        this.#events.outcome(target.upstream.name, target.model, mapped.code, performance.now() - startedAt)
        if (!providerToBlame(mapped)) {
          target.breaker.release()
          throw mapped
        }
        target.breaker.failure()
        if (partialPassedOn) throw mapped
        lastError = mapped
        const next = targets[index + 1]
        if (next !== undefined) this.#events.fallback(target.upstream.name, next.upstream.name, mapped.code)
      }
    }
    if (lastError !== undefined) throw lastError
    const retryAfter = String(Math.max(1, Math.ceil((skippedRetryInMs ?? 1000) / 1000)))
    throw new GatewayError('upstreams_unavailable', {
      message: `Every upstream for model ${request.model} is failing and temporarily skipped; retry later.`,
      headers: { 'retry-after': retryAfter }
    })
  }

  #targetsFor (model: string): RoutedTarget[] {
    const route = this.#routes.get(model) ?? this.#routes.get('*') ?? []
    return route.flatMap((target) => {
      const entry = this.#upstreams.get(target.upstream)
      return entry === undefined ? [] : [{ ...entry, model: target.model ?? model }]
    })
  }
}

// Only a target that streams, for a model that streams, gets the caller's onPartial, wrapped to
// note that a partial image reached the caller. dall-e models have no stream in the API.
function streamingFor (call: Omit<UpstreamCall, 'signal'>, target: RoutedTarget, passedOn: () => void): Omit<UpstreamCall, 'signal' | 'request'> {
  const { onPartial, partialImages, ...plain } = call
  if (onPartial === undefined || !target.upstream.streams || target.model.startsWith('dall-e')) return plain
  return {
    ...plain,
    partialImages,
    onPartial: (partial) => {
      passedOn()
      onPartial(partial)
    }
  }
}

// A 400 is the caller's request (e.g. content policy): another provider would refuse it too.
function providerToBlame (error: GatewayError): boolean {
  return error.status !== 400
}
