// Turns the provider's answer items into bytes: base64 decoded once, URLs downloaded at once.
import { upstreamFailed } from '../errors/gateway-error.js'
import { downloadImage, type DownloadLimits } from '../upstream/download-image.js'
import type { UpstreamImage } from '../upstream/upstream.js'

export interface CollectedImage {
  bytes: Buffer
  /** The provider's base64 text when it sent one, kept to answer b64_json without re-encoding. */
  base64?: string
  revisedPrompt?: string
}

export async function collectImageBytes (images: UpstreamImage[], limits: DownloadLimits): Promise<CollectedImage[]> {
  return await Promise.all(images.map(async (image, index) => {
    const revisedPrompt = image.revisedPrompt
    if (typeof image.b64Json === 'string' && image.b64Json.length > 0) {
      return { bytes: Buffer.from(image.b64Json, 'base64'), base64: image.b64Json, revisedPrompt }
    }
    if (typeof image.url === 'string' && image.url.length > 0) {
      return { bytes: await downloadImage(image.url, limits), revisedPrompt }
    }
    throw upstreamFailed(`The image provider's answer item ${index} has neither b64_json nor url.`, 'upstream_malformed_response')
  }))
}
