// What the generation use case needs from a provider: one call per operation (generate, edit,
// variation) that returns the images it made, either inline (base64, decoded once on arrival) or as
// URLs to fetch at once; streamed calls also hand over partial images as they arrive.
import type { EditInputs } from '../inputs/input-image.js'

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

export type ProviderOperation = 'generate' | 'edit' | 'variation'

/** What the provider is asked: the caller's fields as policy allows them (model always set). */
export type ProviderRequest = Record<string, unknown> & { model: string, n?: number, size?: string, stream?: boolean, partial_images?: number }

export interface PartialImage {
  /** partial_image_index as the provider numbered it. */
  partialImageIndex: number
  /** The partial image, base64, checked to be base64 of at most UPSTREAM_IMAGE_MAX_BYTES. */
  b64: string
  /** background / output_format / quality / size of the event, when given (strings only). */
  described: ImageSettings
  createdAt?: number
}

export interface UpstreamCall {
  operation: ProviderOperation
  /** Without stream / partial_images: the upstream adds them when onPartial is set. */
  request: ProviderRequest
  /** edit: images (+ mask); variation: images[0]. */
  inputs?: EditInputs
  signal?: AbortSignal
  /** Set only when the caller streams AND the upstream streams: partial images as they arrive. */
  onPartial?: (partial: PartialImage) => void
  /** partial_images asked for (0–3), with onPartial. */
  partialImages?: number
}

export interface Upstream {
  readonly name: string
  /** Hosts that image URLs in this upstream's answers may be downloaded from. */
  readonly downloadHosts: ReadonlySet<string>
  /** False when the provider cannot stream (upstreams file `stream: false`): the router calls it plainly. */
  readonly streams: boolean
  call(call: UpstreamCall): Promise<UpstreamAnswer>
}
