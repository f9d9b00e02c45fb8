// Gets verified image bytes for a request from the first upstream that can give them: tries the
// model's targets in order, skipping open circuits, and falls back on any failure the provider (not
// the caller) is to blame for — errors, timeouts, rate limits, empty answers, broken images.
import { GatewayError } from '../errors/gateway-error.js'
import { checkImageDimensions, type DimensionLimits } from '../images/check-image-dimensions.js'
import { inspectImage, NotAnImageError, type ImageFacts } from '../images/inspect-image.js'
import type { GenerateRequest } from '../schemas/generation.js'
import { mapUpstreamError } from '../upstream/map-upstream-error.js'
import type { UpstreamRouter } from '../upstream/upstream-router.js'
import type { UpstreamAnswer } from '../upstream/upstream.js'
import { collectImageBytes, type CollectedImage } from './collect-image-bytes.js'

export interface VerifiedImage extends CollectedImage {
  facts: ImageFacts
}

export interface ObtainedImages {
  answer: UpstreamAnswer
  images: VerifiedImage[]
  upstream: string
  upstreamModel: string
}

export interface ObtainOptions {
  deadlineMs: number
  download: { timeoutMs: number, maxBytes: number }
  /** Most pixels an image may have (IMAGE_MAX_PIXELS). */
  imageMaxPixels: number
}

export async function obtainImages (router: UpstreamRouter, request: GenerateRequest & { model: string }, options: ObtainOptions): Promise<ObtainedImages> {
  const deadline = AbortSignal.timeout(options.deadlineMs)
  const targets = router.targetsFor(request.model)
  let lastError: GatewayError | undefined
  let skippedRetryInMs: number | undefined
  for (const [index, target] of targets.entries()) {
    if (!target.breaker.tryAcquire()) {
      skippedRetryInMs = Math.min(skippedRetryInMs ?? Infinity, target.breaker.retryInMs)
      continue
    }
    const startedAt = performance.now()
    try {
      const answer = await target.upstream.generate({ request: { ...request, model: target.model }, signal: deadline })
      const images = await verified(answer, target.upstream.downloadHosts, { maxPixels: options.imageMaxPixels, requestedSize: request.size }, options.download, deadline)
      target.breaker.success()
      router.events.outcome(target.upstream.name, target.model, 'ok', performance.now() - startedAt)
      return { answer, images, upstream: target.upstream.name, upstreamModel: target.model }
    } catch (error) {
      if (deadline.aborted) {
        target.breaker.failure()
        router.events.outcome(target.upstream.name, target.model, 'deadline', performance.now() - startedAt)
        throw new GatewayError('upstream_deadline', { message: `No image within the gateway's deadline of ${options.deadlineMs} ms.`, cause: error })
      }
      const mapped = mapUpstreamError(error)
      router.events.outcome(target.upstream.name, target.model, mapped.code, performance.now() - startedAt)
      if (!providerToBlame(mapped)) {
        target.breaker.release()
        throw mapped
      }
      target.breaker.failure()
      lastError = mapped
      const next = targets[index + 1]
      if (next !== undefined) router.events.fallback(target.upstream.name, next.upstream.name, mapped.code)
    }
  }
  if (lastError !== undefined) throw lastError
  const retryAfter = String(Math.max(1, Math.ceil((skippedRetryInMs ?? 1000) / 1000)))
  throw new GatewayError('upstreams_unavailable', {
    message: `Every upstream for model ${request.model} is failing and temporarily skipped; retry later.`,
    headers: { 'retry-after': retryAfter }
  })
}

// A 400 is the caller's request (e.g. content policy): another provider would refuse it too.
function providerToBlame (error: GatewayError): boolean {
  return error.status !== 400
}

async function verified (answer: UpstreamAnswer, allowedHosts: ReadonlySet<string>, dimensions: DimensionLimits, download: ObtainOptions['download'], signal: AbortSignal): Promise<VerifiedImage[]> {
  if (answer.images.length === 0) throw new GatewayError('upstream_no_images')
  const collected = await collectImageBytes(answer.images, { allowedHosts, ...download, signal })
  return collected.map((image, index) => {
    try {
      const facts = inspectImage(image.bytes)
      checkImageDimensions(facts, dimensions)
      return { ...image, facts }
    } catch (error) {
      if (!(error instanceof NotAnImageError)) throw error
      throw new GatewayError('upstream_invalid_image', { message: `The image provider returned image ${index} that is not a usable image: ${error.message}.`, cause: error })
    }
  })
}
