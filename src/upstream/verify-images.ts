// Turns a provider's answer into images the gateway will store: every item collected (inline bytes,
// or downloaded from a trusted host) and checked to be a whole image of a sane size. A broken image
// is the provider's fault, so it fails the answer as a 502 and the router falls back.
import { GatewayError } from '../errors/gateway-error.js'
import { checkImageDimensions, type DimensionLimits } from '../images/check-image-dimensions.js'
import { inspectImage, NotAnImageError, type ImageFacts } from '../images/inspect-image.js'
import { collectImageBytes, type CollectedImage } from './collect-image-bytes.js'
import type { UpstreamAnswer } from './upstream.js'

export interface VerifiedImage extends CollectedImage {
  facts: ImageFacts
}

/** The bounds every answer's images are held to, set once from the configuration. */
export interface ImageChecks {
  /** Downloading an image the provider answered with a URL (UPSTREAM_DOWNLOAD_TIMEOUT_MS, _MAX_BYTES). */
  download: { timeoutMs: number, maxBytes: number }
  /** Most pixels an image may have (IMAGE_MAX_PIXELS). */
  maxPixels: number
}

export async function verifyImages (answer: UpstreamAnswer, allowedHosts: ReadonlySet<string>, dimensions: DimensionLimits, download: ImageChecks['download'], signal: AbortSignal): Promise<VerifiedImage[]> {
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
