// The provider client: the official openai SDK (its request building, auth, timeouts and retries)
// pointed at any OpenAI-compatible base URL, for generations, edits and variations, plain or
// streamed.
import OpenAI from 'openai'
import { GatewayError } from '../errors/gateway-error.js'
import { checkImagesAnswer } from './check-images-answer.js'
import { PartialNotDeliveredError, readImageStream } from './image-stream.js'
import { readImagesAnswer } from './images-answer.js'
import { mapUpstreamError } from './map-upstream-error.js'
import { editParams, generateParams, variationParams, type ResponseFormatSetting, type StreamAsk } from './provider-params.js'
import { createSecretRedactor } from './redact-secrets.js'
import { BodyTooLargeError, bodyBytes, createUndiciFetch } from './undici-fetch.js'
import type { Upstream, UpstreamAnswer, UpstreamCall } from './upstream.js'

export interface OpenAIUpstreamOptions {
  name: string
  baseUrl: string
  apiKey?: string
  timeoutMs: number
  maxRetries: number
  responseFormat: ResponseFormatSetting
  /** Whether the provider can stream (upstreams file `stream`, default true). */
  streams: boolean
  /** Extra hosts image URLs may come from, besides the base URL's own. */
  downloadHosts: string[]
  /** Largest answer body read; a longer one is dropped mid-read. */
  answerMaxBytes: number
  /** Largest decoded inline image. */
  imageMaxBytes: number
  /** Called once per HTTP attempt, retries included. */
  onAttempt?: () => void
  /** Where fields dropped from an odd answer are reported (pino's signature). */
  log?: { warn: (fields: object, message: string) => void }
}

export function createOpenAIUpstream (options: OpenAIUpstreamOptions): Upstream {
  const transport = createUndiciFetch()
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // Some self-hosted providers need no key; the SDK insists on one.
    apiKey: options.apiKey ?? 'no-key',
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    // Wrapping fetch is the one place that sees every attempt the SDK makes, retries included.
    // Its Response is named so that the SDK's check for FormData support (before an upload)
    // need not call it with a probe request, which would count as an attempt.
    fetch: Object.assign(async (url: string | URL | Request, init?: RequestInit) => {
      options.onAttempt?.()
      return await transport(url, init)
    }, { Response })
  })
  const downloadHosts = new Set([new URL(options.baseUrl).host, ...options.downloadHosts])
  const redact = createSecretRedactor([options.apiKey])

  const responseFormat = options.responseFormat

  // The SDK's request for one operation, answered as the raw Response (its bytes are read here).
  async function send (call: UpstreamCall, stream: StreamAsk | undefined): Promise<Response> {
    const requestOptions = { signal: call.signal }
    switch (call.operation) {
      case 'generate':
        return await client.images.generate(generateParams(call.request, responseFormat, stream), requestOptions).asResponse()
      case 'edit':
        return await client.images.edit(await editParams(call.request, call.inputs, responseFormat, stream), requestOptions).asResponse()
      case 'variation':
        return await client.images.createVariation(await variationParams(call.request, call.inputs, responseFormat), requestOptions).asResponse()
    }
  }

  return {
    name: options.name,
    downloadHosts,
    streams: options.streams,
    async call (call: UpstreamCall): Promise<UpstreamAnswer> {
      const startedAt = performance.now()
      let requestId: string | undefined
      // Variations have no stream in the API; the others stream only for a caller that takes partials.
      const onPartial = call.operation === 'variation' ? undefined : call.onPartial
      const stream = onPartial === undefined ? undefined : { partialImages: call.partialImages }
      try {
        // The SDK builds the request, authenticates, times out and retries; the answer's bytes are
        // read here, because its JSON carries megabytes of base64 (see images-answer.ts).
        const response = await send(call, stream)
        requestId = response.headers.get('x-request-id') ?? undefined
        const bounds = { imagesAsked: call.request.n ?? 1, imageMaxBytes: options.imageMaxBytes }
        // A provider may answer a streamed request with plain JSON: then it is read as one.
        const checked = onPartial !== undefined && isEventStream(response)
          ? await readImageStream(response, { ...bounds, answerMaxBytes: options.answerMaxBytes, onPartial, signal: call.signal, redact })
          : checkImagesAnswer(readImagesAnswer(await answerBytes(response, options.answerMaxBytes)), bounds)
        if (checked.warnings.length > 0) {
          options.log?.warn({ upstream: options.name, fields: checked.warnings }, 'provider answer had fields of the wrong type or size; dropped or replaced them')
        }
        return {
          ...checked.answer,
          requestId,
          latencyMs: Math.round(performance.now() - startedAt)
        }
      } catch (error) {
        // The caller's own partial-image handler failed: its error, not the provider's.
        if (error instanceof PartialNotDeliveredError) throw error.cause
        const mapped = mapUpstreamError(error, redact)
        // An answer that arrived but could not be used (too large, malformed) keeps the provider's id too.
        mapped.providerRequestId ??= requestId
        throw mapped
      }
    }
  }
}

function isEventStream (response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream')
}

async function answerBytes (response: Response, maxBytes: number): Promise<Buffer> {
  try {
    return await bodyBytes(response, maxBytes)
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error
    throw new GatewayError('upstream_answer_too_large', { message: `The image provider's answer is larger than ${maxBytes} bytes (UPSTREAM_ANSWER_MAX_BYTES).`, cause: error })
  }
}
