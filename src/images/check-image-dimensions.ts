// Refuses images whose header dimensions are impossible or not what was asked for, before anything
// decodes them. A decoder allocates what the header claims (PNG IHDR, JPEG SOF, WebP VP8*), so a
// bound on header pixels bounds every later decode: a 74-byte PNG claiming 100000×100000 and a real
// 20000×20000 deflate bomb are both refused here, without inflating a byte of them.
import { NotAnImageError, type ImageFacts } from './inspect-image.js'

export interface DimensionLimits {
  /** Most pixels (width × height) an image may have. */
  maxPixels: number
  /** The request's size: `WxH` is an expectation, `auto` (or none) is not. */
  requestedSize?: string
}

// Providers round a requested size to their own grid (gpt-image-2: multiples of 16), so a side
// may differ from the request by less than one grid step.
export const SIZE_TOLERANCE_PX = 16

const WIDTH_BY_HEIGHT = /^(\d+)x(\d+)$/

export function checkImageDimensions (facts: Pick<ImageFacts, 'width' | 'height'>, limits: DimensionLimits): void {
  const pixels = facts.width * facts.height
  if (pixels > limits.maxPixels) {
    throw new NotAnImageError(`its header claims ${facts.width}x${facts.height} (${pixels} pixels), more than the ${limits.maxPixels} allowed (IMAGE_MAX_PIXELS)`)
  }
  const asked = WIDTH_BY_HEIGHT.exec(limits.requestedSize ?? '')
  if (asked === null) return
  const [width, height] = [Number(asked[1]), Number(asked[2])]
  if (Math.abs(facts.width - width) > SIZE_TOLERANCE_PX || Math.abs(facts.height - height) > SIZE_TOLERANCE_PX) {
    throw new NotAnImageError(`it is ${facts.width}x${facts.height} where ${width}x${height} was asked for`)
  }
}
