// Reads a provider's streamed images answer (generate or edit with `stream: true`): partial images
// are checked and handed on as they arrive; completed images are collected into the same checked
// answer a plain call gives (each decoded once, straight from the event's bytes). Every event, and
// the stream as a whole, is bounded. An error event fails the call the way the same error as an
// HTTP status would; a stream that breaks off or ends without an image is the provider's failure.
import { Value } from '@sinclair/typebox/value'
import OpenAI from 'openai'
import type { ImagesResponse } from 'openai/resources/images'
import { GatewayError } from '../errors/gateway-error.js'
import { ProviderCreated, ProviderEcho } from '../schemas/provider-answer.js'
import { checkImagesAnswer, type CheckResult } from './check-images-answer.js'
import { base64Ranges, decodeBase64 } from './images-answer.js'
import { mapUpstreamError } from './map-upstream-error.js'
import { redactedCause, type RedactSecrets } from './redact-secrets.js'
import { EventStreamTooLongError, serverSentEvents, type ServerSentEvent } from './server-sent-events.js'
import { bodyChunks } from './undici-fetch.js'
import type { ImageSettings, PartialImage } from './upstream.js'

export interface ImageStreamOptions {
  /** Images asked for: more completed images than this fail the call. */
  imagesAsked: number
  /** Largest decoded image (UPSTREAM_IMAGE_MAX_BYTES); an event is bounded by its base64 plus slack. */
  imageMaxBytes: number
  /** Most bytes the whole stream may carry (UPSTREAM_ANSWER_MAX_BYTES). */
  answerMaxBytes: number
  onPartial: (partial: PartialImage) => void
  signal?: AbortSignal
  redact: RedactSecrets
}

/** The caller's onPartial threw: its error is passed on as it is, not blamed on the provider. */
export class PartialNotDeliveredError extends Error {
  constructor (cause: unknown) {
    super('A partial image could not be passed on.', { cause })
    this.name = 'PartialNotDeliveredError'
  }
}

// Room in an event for everything but the image: the JSON around it, usage, the field names.
const EVENT_SLACK_BYTES = 64 * 1024
// partial_images is 0–3 per image, and n at most 10: anything far above is not an index.
const MAX_PARTIAL_IMAGE_INDEX = 255
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const PARTIAL_TYPES = new Set(['image_generation.partial_image', 'image_edit.partial_image'])
const COMPLETED_TYPES = new Set(['image_generation.completed', 'image_edit.completed'])
const ECHOED = ['size', 'quality', 'output_format', 'background'] as const

type Fields = Record<string, unknown>

interface EventData {
  fields: Fields
  /** Where the event's b64_json sits: bytes[start, end) of source. */
  base64?: { source: Buffer, start: number, end: number }
}

interface CompletedImage { bytes: Buffer, fields: Fields }

export function base64Length (bytes: number): number {
  return 4 * Math.ceil(bytes / 3)
}

export async function readImageStream (response: Response, options: ImageStreamOptions): Promise<CheckResult> {
  const completed: CompletedImage[] = []
  const bounds = { eventMaxBytes: base64Length(options.imageMaxBytes) + EVENT_SLACK_BYTES, streamMaxBytes: options.answerMaxBytes }
  try {
    for await (const event of serverSentEvents(bodyChunks(response), bounds)) {
      options.signal?.throwIfAborted()
      const image = readEvent(event, response.headers, options)
      if (image === undefined) continue
      completed.push(image)
      if (completed.length > options.imagesAsked) throw malformed(`The image provider streamed more than the ${options.imagesAsked} images asked for.`)
    }
  } catch (error) {
    throw streamFailure(error, options.redact)
  }
  if (completed.length === 0) throw malformed('The image provider\'s stream ended without a completed image.')
  return checkImagesAnswer({ body: answerBody(completed), imageBytes: completed.map((image) => image.bytes) }, options)
}

/** A completed image, or undefined for a partial (passed on) or an event of another type. */
function readEvent (event: ServerSentEvent, headers: Headers, options: ImageStreamOptions): CompletedImage | undefined {
  const data = parseEventData(event)
  const { fields } = data
  if (event.event === 'error' || fields.type === 'error' || isFields(fields.error)) throw providerStreamError(fields, headers, options.redact)
  const type = typeof fields.type === 'string' ? fields.type : event.event
  if (type !== undefined && PARTIAL_TYPES.has(type)) {
    const partial = partialImage(data, options.imageMaxBytes)
    try {
      options.onPartial(partial)
    } catch (error) {
      throw new PartialNotDeliveredError(error)
    }
    return undefined
  }
  if (type !== undefined && COMPLETED_TYPES.has(type)) {
    if (data.base64 === undefined) throw malformed('The image provider streamed a completed image without b64_json.')
    const { source, start, end } = data.base64
    return { bytes: decodeBase64(source, start, end), fields }
  }
  // Another kind of event (a newer provider's extra): not ours to judge.
  return undefined
}

function partialImage (data: EventData, imageMaxBytes: number): PartialImage {
  const { fields, base64 } = data
  const index = fields.partial_image_index
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > MAX_PARTIAL_IMAGE_INDEX) {
    throw malformed('The image provider streamed a partial image without a usable partial_image_index.')
  }
  if (base64 === undefined) throw malformed('The image provider streamed a partial image without b64_json.')
  if (base64.end - base64.start > base64Length(imageMaxBytes)) {
    throw new GatewayError('upstream_image_too_large', { message: `The image provider's partial image is larger than ${imageMaxBytes} bytes.` })
  }
  const b64 = base64.source.toString('latin1', base64.start, base64.end)
  if (b64.length === 0 || !BASE64.test(b64)) throw malformed('The image provider streamed a partial image whose b64_json is not base64.')
  const partial: PartialImage = { partialImageIndex: index, b64, described: described(fields) }
  if (Value.Check(ProviderCreated, fields.created_at)) partial.createdAt = fields.created_at
  return partial
}

// The big b64_json value is cut out of the bytes; only the small rest is parsed (images-answer.ts
// does the same for a plain answer). Anything unusual falls back to parsing the whole event.
function parseEventData (event: ServerSentEvent): EventData {
  const { data } = event
  try {
    const ranges = base64Ranges(data)
    if (ranges !== undefined && ranges.length === 1) {
      const [start, end] = ranges[0] as [number, number]
      const rest: unknown = JSON.parse(data.toString('utf8', 0, start) + data.toString('utf8', end))
      if (isFields(rest) && rest.b64_json === '') {
        delete rest.b64_json
        return { fields: rest, base64: { source: data, start, end } }
      }
    }
    const whole: unknown = JSON.parse(data.toString('utf8'))
    if (!isFields(whole)) throw new SyntaxError('not an object')
    const value = whole.b64_json
    delete whole.b64_json
    if (typeof value !== 'string') return { fields: whole }
    // A character past latin1 cannot be base64 anyway; the check on it fails either way.
    const source = Buffer.from(value, 'latin1')
    return { fields: whole, base64: { source, start: 0, end: source.length } }
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    // An error event whose data is not JSON is still the provider saying it failed.
    if (event.event === 'error') return { fields: { type: 'error' } }
    // Never the parser's message: it quotes the provider's text.
    throw malformed('The image provider streamed an event whose data is not a JSON object.')
  }
}

// The statuses an error event stands for: the same mapping as the HTTP answer would get, so the
// router falls back (or not) for the same reasons. OpenAI sends `{type: 'error', error: {...}}`.
function providerStreamError (fields: Fields, headers: Headers, redact: RedactSecrets): GatewayError {
  const error = isFields(fields.error) ? fields.error : fields
  const status = streamErrorStatus(error)
  const message = typeof error.message === 'string' ? error.message : undefined
  // The SDK's own error for that status, from the envelope it would have read, so the mapping is
  // the one an HTTP error gets (map-upstream-error.ts).
  const apiError = OpenAI.APIError.generate(status, { error }, message, headers)
  if (status !== 500) return mapUpstreamError(apiError, redact)
  const mapped = new GatewayError('upstream_error', { message: 'The image provider failed while streaming the images (error event).', cause: redactedCause(apiError, redact) })
  mapped.providerRequestId = apiError.requestID ?? undefined
  return mapped
}

const RATE_LIMIT_CODES = new Set(['rate_limit_exceeded', 'insufficient_quota'])
const REJECTION_CODES = new Set(['content_policy_violation', 'moderation_blocked'])

function streamErrorStatus (error: Fields): number {
  const code = typeof error.code === 'string' ? error.code : ''
  const type = typeof error.type === 'string' ? error.type : ''
  if (RATE_LIMIT_CODES.has(code) || type === 'rate_limit_error' || type === 'rate_limit_exceeded') return 429
  if (REJECTION_CODES.has(code) || type === 'invalid_request_error') return 400
  return 500
}

function streamFailure (error: unknown, redact: RedactSecrets): unknown {
  if (error instanceof GatewayError || error instanceof PartialNotDeliveredError) return error
  if (error instanceof EventStreamTooLongError) {
    return error.bound === 'stream'
      ? new GatewayError('upstream_answer_too_large', { message: `The image provider's stream is larger than ${error.maxBytes} bytes (UPSTREAM_ANSWER_MAX_BYTES).`, cause: error })
      : malformed(`The image provider streamed an event longer than ${error.maxBytes} bytes (an image past UPSTREAM_IMAGE_MAX_BYTES).`, error)
  }
  // An abort is the caller's (deadline, or a closed client): the router judges it by its signal.
  if (error instanceof Error && error.name === 'AbortError') return error
  return malformed('The image provider\'s stream broke off before it ended.', redactedCause(error, redact))
}

function answerBody (completed: CompletedImage[]): ImagesResponse {
  const first = (completed[0] as CompletedImage).fields
  const last = (completed.at(-1) as CompletedImage).fields
  const usage = [...completed].reverse().find((image) => image.fields.usage !== undefined)?.fields.usage
  const body: Fields = {
    created: first.created_at ?? Math.floor(Date.now() / 1000),
    data: completed.map(() => ({})),
    ...(usage === undefined ? {} : { usage })
  }
  for (const name of ECHOED) if (last[name] !== undefined) body[name] = last[name]
  return body as unknown as ImagesResponse
}

// Partial images are passed on, not stored: an odd descriptor is left out without a warning.
function described (fields: Fields): ImageSettings {
  const settings: ImageSettings = {}
  for (const name of ECHOED) {
    const value = fields[name]
    if (Value.Check(ProviderEcho, value)) settings[name] = value
  }
  return settings
}

function malformed (message: string, cause?: unknown): GatewayError {
  return new GatewayError('upstream_malformed_response', { message, cause })
}

function isFields (value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
