// Turns the provider's answer items into bytes: inline images as they came (decoded once, when the
// answer was read), URLs downloaded at once.
import { GatewayError } from '../errors/gateway-error.js'
import { downloadImage, type DownloadLimits } from './download-image.js'
import type { UpstreamImage } from './upstream.js'

export interface CollectedImage {
  bytes: Buffer
  revisedPrompt?: string
}

export async function collectImageBytes (images: UpstreamImage[], limits: DownloadLimits): Promise<CollectedImage[]> {
  return await Promise.all(images.map(async (image, index) => {
    const revisedPrompt = image.revisedPrompt
    if (image.bytes !== undefined && image.bytes.length > 0) return { bytes: image.bytes, revisedPrompt }
    if (typeof image.url === 'string' && image.url.length > 0) {
      return { bytes: await downloadImage(image.url, limits), revisedPrompt }
    }
    throw new GatewayError('upstream_malformed_response', { message: `The image provider's answer item ${index} has neither b64_json nor url.` })
  }))
}
