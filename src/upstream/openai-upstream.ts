// The provider client: the official openai SDK (its request building, auth, timeouts and retries)
// pointed at any OpenAI-compatible base URL.
import OpenAI from 'openai'
import type { ImageGenerateParamsNonStreaming } from 'openai/resources/images'
import { GatewayError } from '../errors/gateway-error.js'
import { checkImagesAnswer } from './check-images-answer.js'
import { readImagesAnswer } from './images-answer.js'
import { mapUpstreamError } from './map-upstream-error.js'
import { createSecretRedactor } from './redact-secrets.js'
import { BodyTooLargeError, bodyBytes, createUndiciFetch } from './undici-fetch.js'
import type { Upstream, UpstreamAnswer, UpstreamCall } from './upstream.js'

export interface OpenAIUpstreamOptions {
  name: string
  baseUrl: string
  apiKey?: string
  timeoutMs: number
  maxRetries: number
  responseFormat: 'auto' | 'b64_json' | 'url' | 'omit'
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
    fetch: async (url, init) => {
      options.onAttempt?.()
      return await transport(url, init)
    }
  })
  const downloadHosts = new Set([new URL(options.baseUrl).host, ...options.downloadHosts])
  const redact = createSecretRedactor([options.apiKey])

  return {
    name: options.name,
    downloadHosts,
    async generate (call: UpstreamCall): Promise<UpstreamAnswer> {
      const startedAt = performance.now()
      let requestId: string | undefined
      try {
        // The SDK builds the request, authenticates, times out and retries; the answer's bytes are
        // read here, because its JSON carries megabytes of base64 (see images-answer.ts).
        const response = await client.images
          .generate(toUpstreamParams(call.request, options.responseFormat), { signal: call.signal })
          .asResponse()
        requestId = response.headers.get('x-request-id') ?? undefined
        const checked = checkImagesAnswer(readImagesAnswer(await answerBytes(response, options.answerMaxBytes)), {
          imagesAsked: call.request.n ?? 1,
          imageMaxBytes: options.imageMaxBytes
        })
        if (checked.warnings.length > 0) {
          options.log?.warn({ upstream: options.name, fields: checked.warnings }, 'provider answer had fields of the wrong type or size; dropped or replaced them')
        }
        return {
          ...checked.answer,
          requestId,
          latencyMs: Math.round(performance.now() - startedAt)
        }
      } catch (error) {
        const mapped = mapUpstreamError(error, redact)
        // An answer that arrived but could not be used (too large, malformed) keeps the provider's id too.
        mapped.providerRequestId ??= requestId
        throw mapped
      }
    }
  }
}

async function answerBytes (response: Response, maxBytes: number): Promise<Buffer> {
  try {
    return await bodyBytes(response, maxBytes)
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error
    throw new GatewayError('upstream_answer_too_large', { message: `The image provider's answer is larger than ${maxBytes} bytes (UPSTREAM_ANSWER_MAX_BYTES).`, cause: error })
  }
}

// The caller's response_format is about the gateway's answer, not the provider's. GPT image models
// always answer base64 and reject the parameter; dall-e models default to URLs, so `auto` asks them
// for base64: one round trip, and no expiring URL to race against.
function toUpstreamParams (request: UpstreamCall['request'], responseFormat: OpenAIUpstreamOptions['responseFormat']): ImageGenerateParamsNonStreaming {
  const { response_format: _callerFormat, ...rest } = request
  const params: ImageGenerateParamsNonStreaming = { ...rest, stream: false }
  const asked = responseFormat === 'auto' ? (request.model.startsWith('dall-e') ? 'b64_json' : 'omit') : responseFormat
  if (asked !== 'omit') params.response_format = asked
  return params
}
