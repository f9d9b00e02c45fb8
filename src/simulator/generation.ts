// Reads an images.generate body the way the provider does and makes the answer's images.
import { makeImage, type ImageKind, type OutputFormat } from './image-maker.js'

export class SimulatorInputError extends Error {
  constructor (readonly param: string, message: string) {
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
}

export function readRequest (body: unknown): SimulatedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SimulatorInputError('body', 'The body must be a JSON object.')
  const input = body as Record<string, unknown>
  if (typeof input.prompt !== 'string' || input.prompt.length === 0) throw new SimulatorInputError('prompt', 'prompt must be a non-empty string.')
  const n = input.n ?? 1
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) throw new SimulatorInputError('n', 'n must be an integer from 1 to 10.')
  const size = input.size ?? 'auto'
  const match = typeof size === 'string' ? /^(\d+)x(\d+)$/.exec(size) : null
  const [width, height] = size === 'auto' ? [1024, 1024] : match !== null ? [Number(match[1]), Number(match[2])] : [0, 0]
  if (width < 16 || height < 16 || width > 4096 || height > 4096) throw new SimulatorInputError('size', `Invalid size ${JSON.stringify(size)}.`)
  const format = input.output_format ?? 'png'
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') throw new SimulatorInputError('output_format', 'output_format must be png, jpeg or webp.')
  const responseFormat = input.response_format ?? 'b64_json'
  if (responseFormat !== 'url' && responseFormat !== 'b64_json') throw new SimulatorInputError('response_format', 'response_format must be url or b64_json.')
  const compression = typeof input.output_compression === 'number' ? input.output_compression : 100
  return {
    prompt: input.prompt,
    model: typeof input.model === 'string' ? input.model : 'gpt-image-1',
    n,
    width,
    height,
    size: `${width}x${height}`,
    quality: typeof input.quality === 'string' ? input.quality : 'auto',
    format,
    compression,
    responseFormat,
    ...(typeof input.background === 'string' ? { background: input.background } : {})
  }
}

export async function makeImages (request: SimulatedRequest, kind: ImageKind): Promise<Buffer[]> {
  return await Promise.all(Array.from({ length: request.n }, (_, index) => makeImage({
    prompt: request.prompt, index, width: request.width, height: request.height, format: request.format, compression: request.compression, kind
  })))
}

export function usageFor (request: SimulatedRequest) {
  const textTokens = Math.ceil(request.prompt.length / 4)
  const outputTokens = request.n * Math.ceil((request.width * request.height) / 4096)
  return {
    input_tokens: textTokens,
    output_tokens: outputTokens,
    total_tokens: textTokens + outputTokens,
    input_tokens_details: { text_tokens: textTokens, image_tokens: 0 }
  }
}
