// Every error status the gateway answers with the OpenAI envelope: its name in the OpenAPI document
// (components.responses), when it happens, the headers that come with it, and examples by code.
import type { ResponseHeaderName } from '../schemas/headers.js'

export interface ErrorResponseSpec {
  name: string
  description: string
  headers: ResponseHeaderName[]
  examples: Record<string, { message: string, type: string, param?: string, code: string }>
}

export const ERROR_RESPONSES = {
  400: {
    name: 'BadRequest',
    description: 'A parameter is invalid (`param` names it), an unknown field was sent, the body is not JSON, or the provider rejected the prompt (its message and code pass through).',
    headers: [],
    examples: {
      invalid_value: { message: "Invalid value for 'quality': expected one of 'auto', 'low', 'medium', 'high', 'standard', 'hd'.", type: 'invalid_request_error', param: 'quality', code: 'invalid_value' },
      invalid_json: { message: 'The request body is not valid JSON.', type: 'invalid_request_error', code: 'invalid_json' }
    }
  },
  401: {
    name: 'Unauthorized',
    description: 'The API key is missing, malformed, unknown or expired.',
    headers: ['www-authenticate'],
    examples: {
      missing_api_key: { message: 'Missing API key; send it as "Authorization: Bearer <key>" or "x-api-key: <key>".', type: 'authentication_error', code: 'missing_api_key' },
      invalid_api_key: { message: 'Invalid API key.', type: 'authentication_error', code: 'invalid_api_key' }
    }
  },
  403: {
    name: 'Forbidden',
    description: "The tenant's policy does not allow this model, size, quality or n (`param` names it; the message lists what is allowed).",
    headers: [],
    examples: {
      policy_violation: { message: 'Tenant globex may not use model "dall-e-3"; allowed: gpt-image-1-mini.', type: 'permission_error', param: 'model', code: 'policy_violation' }
    }
  },
  404: {
    name: 'NotFound',
    description: "No such generation or image (another tenant's id is a 404 too); or the generation's stored record (its manifest) is unreadable, also when an Idempotency-Key replay leads to it (generation_unreadable).",
    headers: [],
    examples: {
      not_found: { message: 'No such generation.', type: 'not_found_error', code: 'not_found' },
      generation_unreadable: { message: 'This generation\'s stored record is unreadable; it is not served. The gateway operator has been notified in its logs.', type: 'not_found_error', code: 'generation_unreadable' }
    }
  },
  409: {
    name: 'Conflict',
    description: 'The Idempotency-Key was used with a different body (not retryable), or its first request is still running (retry later).',
    headers: ['x-should-retry', 'retry-after'],
    examples: {
      idempotency_key_reused: { message: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.', type: 'invalid_request_error', param: 'Idempotency-Key', code: 'idempotency_key_reused' },
      idempotency_in_progress: { message: 'A request with this Idempotency-Key is still running; retry later.', type: 'invalid_request_error', code: 'idempotency_in_progress' }
    }
  },
  410: {
    name: 'Gone',
    description: 'The generation an Idempotency-Key produced was deleted, so its answer (url or b64_json) cannot be replayed.',
    headers: [],
    examples: { generation_deleted: { message: 'The generation this Idempotency-Key produced has been deleted.', type: 'not_found_error', code: 'generation_deleted' } }
  },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is larger than BODY_LIMIT_BYTES.',
    headers: [],
    examples: { request_too_large: { message: 'The request body is larger than this gateway accepts.', type: 'invalid_request_error', code: 'request_too_large' } }
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not application/json, or it is compressed (any Content-Encoding but identity; the answer then carries accept-encoding: identity).',
    headers: ['accept-encoding'],
    examples: {
      unsupported_media_type: { message: 'Content-Type must be application/json.', type: 'invalid_request_error', code: 'unsupported_media_type' },
      unsupported_content_encoding: { message: 'Request bodies must not be compressed: send them without Content-Encoding (or with identity).', type: 'invalid_request_error', code: 'unsupported_content_encoding' }
    }
  },
  429: {
    name: 'TooManyRequests',
    description: "The tenant's request rate, image quota or in-flight cap is reached, too many authentications failed from this address, or the provider rate-limits the gateway. Always with retry-after; x-should-retry: false when retrying cannot help soon.",
    headers: ['retry-after', 'x-should-retry', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    examples: {
      rate_limit_exceeded: { message: 'Rate limit reached for tenant acme: 60 requests per window; retry in 1 minute.', type: 'rate_limit_error', code: 'rate_limit_exceeded' },
      image_quota_exceeded: { message: 'Image quota exceeded for tenant acme: 4 of 6 images used this day (UTC), 4 asked.', type: 'rate_limit_error', code: 'image_quota_exceeded' },
      too_many_in_flight: { message: 'Tenant acme already has 8 generations in flight (limit 8); retry when one finishes.', type: 'rate_limit_error', code: 'too_many_in_flight' }
    }
  },
  500: {
    name: 'InternalError',
    description: 'The gateway failed unexpectedly (logged with the request id).',
    headers: [],
    examples: { internal_error: { message: 'The gateway failed unexpectedly.', type: 'server_error', code: 'internal_error' } }
  },
  502: {
    name: 'BadGateway',
    description: "The provider failed, rejected the gateway's own credentials, or answered without a usable image.",
    headers: [],
    examples: {
      upstream_error: { message: 'The image provider failed (HTTP 500).', type: 'upstream_error', code: 'upstream_error' },
      upstream_invalid_image: { message: 'The image provider returned image 0 that is not a usable image: PNG is truncated (no IEND chunk).', type: 'upstream_error', code: 'upstream_invalid_image' }
    }
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'Storage is unavailable, did not answer within STORAGE_OP_TIMEOUT_MS, or holds an incomplete copy of the image (and, for a generation, the local spool failed too), with retry-after; every upstream for the model is skipped by its circuit breaker (with retry-after); Redis, which holds the shared limits, is unreachable and REDIS_FAILURE_POLICY=fail-closed (with retry-after); or the gateway is shutting down and did not run the request (with retry-after and connection: close).',
    headers: ['retry-after'],
    examples: {
      storage_unavailable: { message: 'Storage is unavailable; try again shortly.', type: 'storage_error', code: 'storage_unavailable' },
      upstreams_unavailable: { message: 'Every upstream for model gpt-image-1 is failing and temporarily skipped; retry later.', type: 'upstream_error', code: 'upstreams_unavailable' },
      shared_state_unavailable: { message: 'The gateway cannot reach its shared state (Redis), so limits cannot be checked; try again shortly.', type: 'server_error', code: 'shared_state_unavailable' },
      shutting_down: { message: 'The gateway is shutting down and did not process this request; send it again (another replica will take it).', type: 'server_error', code: 'shutting_down' }
    }
  },
  504: {
    name: 'GatewayTimeout',
    description: 'One provider attempt timed out (UPSTREAM_TIMEOUT_MS), or the whole call passed UPSTREAM_DEADLINE_MS.',
    headers: [],
    examples: { upstream_timeout: { message: 'The image provider did not answer in time.', type: 'timeout_error', code: 'upstream_timeout' } }
  }
} satisfies Record<number, ErrorResponseSpec>

export type ErrorStatus = keyof typeof ERROR_RESPONSES
