// Every error status the gateway answers with the OpenAI envelope: its name in the OpenAPI document
// (components.responses), when it happens, the headers that come with it, and examples by code.
// Examples are built from the error catalogue: a code listed under another status than its own
// does not compile, and type, param and fixed messages are the catalogue's.
import { errorSpec, type CodeWithStatus, type ErrorCode, type ErrorType } from '../errors/error-catalogue.js'
import type { ResponseHeaderName } from '../schemas/headers.js'

export interface ErrorExample { message: string, type: ErrorType, param?: string, code: ErrorCode }

export interface ErrorResponseSpec {
  name: string
  description: string
  headers: ResponseHeaderName[]
  examples: Partial<Record<ErrorCode, ErrorExample>>
}

/** What an example adds to its catalogue entry: a message where the catalogue's varies, a param. */
interface ExampleDetails { message?: string, param?: string }

function examples<S extends number, C extends CodeWithStatus<S>> (_status: S, byCode: Record<C, ExampleDetails>): Record<C, ErrorExample> {
  const built: Partial<Record<C, ErrorExample>> = {}
  for (const code of Object.keys(byCode) as C[]) {
    const spec = errorSpec(code)
    const message = spec.message ?? byCode[code].message
    if (message === undefined) throw new Error(`The ${code} example needs a message: the catalogue's varies.`)
    const param = byCode[code].param ?? spec.param
    built[code] = { message, type: spec.type, ...(param !== undefined ? { param } : {}), code }
  }
  return built as Record<C, ErrorExample>
}

export const ERROR_RESPONSES = {
  400: {
    name: 'BadRequest',
    description: 'A parameter is invalid (`param` names it), an unknown field was sent, the body is not JSON, an input image or mask is unusable (invalid_input_image, naming the field), or the provider rejected the prompt (its message and code pass through).',
    headers: [],
    examples: examples(400, {
      invalid_value: { message: "Invalid value for 'quality': expected one of 'auto', 'low', 'medium', 'high', 'standard', 'hd'.", param: 'quality' },
      invalid_json: {}
    })
  },
  401: {
    name: 'Unauthorized',
    description: 'The API key is missing, malformed, unknown or expired.',
    headers: ['www-authenticate'],
    examples: examples(401, { missing_api_key: {}, invalid_api_key: {} })
  },
  403: {
    name: 'Forbidden',
    description: "The tenant's policy does not allow this operation (generate, edit, variation, stream), model, size, quality or n (`param` names it; the message lists what is allowed).",
    headers: [],
    examples: examples(403, {
      policy_violation: { message: 'Tenant globex may not use model "dall-e-3"; allowed: gpt-image-1-mini.', param: 'model' }
    })
  },
  404: {
    name: 'NotFound',
    description: "No such generation or image (another tenant's id is a 404 too), also for an edit input given by reference (its stored bytes failing their checksum: stored_image_damaged); or the generation's stored record (its manifest) is unreadable, also when an Idempotency-Key replay leads to it (generation_unreadable).",
    headers: [],
    examples: examples(404, { not_found: { message: 'No such generation.' }, generation_unreadable: {} })
  },
  409: {
    name: 'Conflict',
    description: 'The Idempotency-Key was used with a different body (not retryable), or its first request is still running (retry later).',
    headers: ['x-should-retry', 'retry-after'],
    examples: examples(409, { idempotency_key_reused: {}, idempotency_in_progress: {} })
  },
  410: {
    name: 'Gone',
    description: 'The generation an Idempotency-Key produced was deleted, so its answer (url or b64_json) cannot be replayed.',
    headers: [],
    examples: examples(410, { generation_deleted: {} })
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is larger than BODY_LIMIT_BYTES, or an upload passes an UPLOAD_* limit (upload_too_large, naming the field and the setting).',
    headers: [],
    examples: examples(413, { request_too_large: {} })
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not application/json (nor multipart/form-data where an operation takes uploads: multipart_expected), or it is compressed (any Content-Encoding but identity; the answer then carries accept-encoding: identity).',
    headers: ['accept-encoding'],
    examples: examples(415, { unsupported_media_type: {}, unsupported_content_encoding: {} })
  },
  429: {
    name: 'TooManyRequests',
    description: "The tenant's request rate, image quota or in-flight cap is reached, too many authentications failed from this address, or the provider rate-limits the gateway. Always with retry-after; x-should-retry: false when retrying cannot help soon.",
    headers: ['retry-after', 'x-should-retry', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    examples: examples(429, {
      rate_limit_exceeded: { message: 'Rate limit reached for tenant acme: 60 requests per window; retry in 1 minute.' },
      image_quota_exceeded: { message: 'Image quota exceeded for tenant acme: 4 of 6 images used this day (UTC), 4 asked.' },
      too_many_in_flight: { message: 'Tenant acme already has 8 generations in flight (limit 8); retry when one finishes.' }
    })
  },
  500: {
    name: 'InternalError',
    description: 'The gateway failed unexpectedly (logged with the request id).',
    headers: [],
    examples: examples(500, { internal_error: {} })
  },
  502: {
    name: 'BadGateway',
    description: "The provider failed, rejected the gateway's own credentials, or answered without a usable image.",
    headers: [],
    examples: examples(502, {
      upstream_error: { message: 'The image provider failed (HTTP 500).' },
      upstream_invalid_image: { message: 'The image provider returned image 0 that is not a usable image: PNG is truncated (no IEND chunk).' }
    })
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'Storage is unavailable, did not answer within STORAGE_OP_TIMEOUT_MS, or holds an incomplete copy of the image (and, for a generation, the local spool failed too), with retry-after; every upstream for the model is skipped by its circuit breaker (with retry-after); Redis, which holds the shared limits, is unreachable and REDIS_FAILURE_POLICY=fail-closed (with retry-after); or the gateway is shutting down and did not run the request (with retry-after and connection: close).',
    headers: ['retry-after'],
    examples: examples(503, {
      storage_unavailable: { message: 'Storage is unavailable; try again shortly.' },
      upstreams_unavailable: { message: 'Every upstream for model gpt-image-1 is failing and temporarily skipped; retry later.' },
      shared_state_unavailable: {},
      shutting_down: {}
    })
  },
  504: {
    name: 'GatewayTimeout',
    description: 'One provider attempt timed out (UPSTREAM_TIMEOUT_MS), or the whole call passed UPSTREAM_DEADLINE_MS.',
    headers: [],
    examples: examples(504, { upstream_timeout: {} })
  }
} satisfies Record<number, ErrorResponseSpec>

export type ErrorStatus = keyof typeof ERROR_RESPONSES
