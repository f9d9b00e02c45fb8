// What the generation use case needs from a provider: one call that returns the images it made,
// either inline (base64, decoded once on arrival) or as URLs to fetch at once.
import type { GenerateRequest } from '../schemas/generation.js'

export interface UpstreamImage {
  /** The image's bytes when the provider sent them inline (b64_json, already decoded). */
  bytes?: Buffer
  url?: string
  revisedPrompt?: string
}

export interface UpstreamUsage {
  input_tokens?: number
  output_tokens?: number
  total_tokens?: number
  input_tokens_details?: { text_tokens?: number, image_tokens?: number }
}

export interface ImageSettings {
  size?: string
  quality?: string
  output_format?: string
  background?: string
}

export interface UpstreamAnswer {
  created: number
  images: UpstreamImage[]
  usage?: UpstreamUsage
  /** What the provider said about the images, under the answer's own names (echoed to the caller). */
  described: ImageSettings
  requestId?: string
  latencyMs: number
}

export interface UpstreamCall {
  request: GenerateRequest & { model: string }
  signal?: AbortSignal
}

export interface Upstream {
  readonly name: string
  /** Hosts that image URLs in this upstream's answers may be downloaded from. */
  readonly downloadHosts: ReadonlySet<string>
  generate(call: UpstreamCall): Promise<UpstreamAnswer>
}
