// Reads an images.generate body (and the common fields of an edit) the way the provider does, and
// makes a generation's images.
import { makeImage, type ImageKind, type OutputFormat } from './image-maker.js'

export class SimulatorInputError extends Error {
  constructor (readonly param: string | null, message: string, readonly code: string | null = 'invalid_value') {
    super(message)
  }
}

export interface SimulatedRequest {
  prompt: string
  model: string
  n: number
  width: number
  height: number
  size: string
  quality: string
  format: OutputFormat
  compression: number
  responseFormat: 'url' | 'b64_json'
  background?: string
  stream: boolean
  /** partial_images asked for with stream (0–3). */
  partialImages: number
}

export interface ReadOptions {
  /** What `size: auto` stands for (an edit: the first input's dimensions, clamped). */
  autoSize?: { width: number, height: number }
}

export function readRequest (body: unknown, options: ReadOptions = {}): SimulatedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SimulatorInputError('body', 'The body must be a JSON object.')
  const input = body as Record<string, unknown>
  if (typeof input.prompt !== 'string' || input.prompt.length === 0) throw new SimulatorInputError('prompt', 'prompt must be a non-empty string.')
  const n = input.n ?? 1
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) throw new SimulatorInputError('n', 'n must be an integer from 1 to 10.')
  const size = input.size ?? 'auto'
  const match = typeof size === 'string' ? /^(\d+)x(\d+)$/.exec(size) : null
  const auto = options.autoSize ?? { width: 1024, height: 1024 }
  const [width, height] = size === 'auto' ? [auto.width, auto.height] : match !== null ? [Number(match[1]), Number(match[2])] : [0, 0]
  if (width < 16 || height < 16 || width > 4096 || height > 4096) throw new SimulatorInputError('size', `Invalid size ${JSON.stringify(size)}.`)
  const format = input.output_format ?? 'png'
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') throw new SimulatorInputError('output_format', 'output_format must be png, jpeg or webp.')
  const responseFormat = input.response_format ?? 'b64_json'
  if (responseFormat !== 'url' && responseFormat !== 'b64_json') throw new SimulatorInputError('response_format', 'response_format must be url or b64_json.')
  const compression = typeof input.output_compression === 'number' ? input.output_compression : 100
  const model = typeof input.model === 'string' ? input.model : 'gpt-image-1'
  const stream = input.stream ?? false
  if (typeof stream !== 'boolean') throw new SimulatorInputError('stream', 'stream must be a boolean.')
  // Only the GPT image models stream; the dall-e models refuse the argument.
  if (stream && model.startsWith('dall-e')) throw new SimulatorInputError('stream', `Streaming is not supported for model '${model}'.`, 'unsupported_parameter')
  const partialImages = input.partial_images ?? 0
  if (typeof partialImages !== 'number' || !Number.isInteger(partialImages) || partialImages < 0 || partialImages > 3) {
    throw new SimulatorInputError('partial_images', 'partial_images must be an integer from 0 to 3.')
  }
  return {
    prompt: input.prompt,
    model,
    n,
    width,
    height,
    size: `${width}x${height}`,
    quality: typeof input.quality === 'string' ? input.quality : 'auto',
    format,
    compression,
    responseFormat,
    ...(typeof input.background === 'string' ? { background: input.background } : {}),
    stream,
    partialImages
  }
}

export async function makeImages (request: SimulatedRequest, kind: ImageKind): Promise<Buffer[]> {
  return await Promise.all(Array.from({ length: request.n }, (_, index) => makeImage({
    prompt: request.prompt, index, width: request.width, height: request.height, format: request.format, compression: request.compression, kind
  })))
}

export interface SimulatedUsage {
  input_tokens: number
  output_tokens: number
  total_tokens: number
  input_tokens_details: { text_tokens: number, image_tokens: number }
}

/** Tokens as the provider bills them: text by length, images (input and output) by their pixels. */
export function usageFor (request: SimulatedRequest, inputPixels: number[] = []): SimulatedUsage {
  const textTokens = Math.ceil(request.prompt.length / 4)
  const imageTokens = inputPixels.reduce((sum, pixels) => sum + Math.max(1, Math.ceil(pixels / 4096)), 0)
  const outputTokens = request.n * Math.ceil((request.width * request.height) / 4096)
  return {
    input_tokens: textTokens + imageTokens,
    output_tokens: outputTokens,
    total_tokens: textTokens + imageTokens + outputTokens,
    input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens }
  }
}
