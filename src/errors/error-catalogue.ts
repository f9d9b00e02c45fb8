// Every error code the gateway can answer with, and the status and OpenAI error type it always
// carries. A GatewayError is built from a code (gateway-error.ts), so a code cannot travel with a
// wrong status; the OpenAPI examples and the README error table are tested against this table.
// `message` is set where the text never varies (the caller may not pass another), `headers` where
// their values never vary; `param` where the same field is always named.
import { maxHeaderSize } from 'node:http'

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'storage_error'
  | 'timeout_error'
  | 'server_error'

export interface ErrorSpec {
  status: number
  type: ErrorType
  message?: string
  param?: string
  headers?: Readonly<Record<string, string>>
}

export const ERROR_CODES = {
  // The request itself: validation, body parsing, framework rejections.
  invalid_value: { status: 400, type: 'invalid_request_error' },
  invalid_json: { status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON.' },
  request_too_large: { status: 413, type: 'invalid_request_error', message: 'The request body is larger than this gateway accepts.' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error', message: 'Content-Type must be application/json.' },
  // Edits and variations: input images uploaded (multipart) or named by reference. The 413 names the
  // field and the limit's setting; the 415 names the content types the endpoint takes.
  upload_too_large: { status: 413, type: 'invalid_request_error' },
  multipart_expected: { status: 415, type: 'invalid_request_error' },
  invalid_input_image: { status: 400, type: 'invalid_request_error' },
  // A client that closed its connection while sending the body: nobody reads this answer.
  request_aborted: { status: 400, type: 'invalid_request_error', message: 'The request body was not received completely.' },
  // The fallback for a Fastify error with a 4xx status that has no entry of its own (see
  // http/fastify-error-code.ts): always 400, the framework's code and text go to the log only.
  bad_request: { status: 400, type: 'invalid_request_error', message: 'The request could not be read.' },

  // Below the routes (http/): no route or hook ran, and nothing the client sent is echoed.
  bad_url: { status: 400, type: 'invalid_request_error', message: 'The request URL is not valid (malformed percent-encoding).' },
  uri_too_long: { status: 414, type: 'invalid_request_error', message: 'A segment of the request path is longer than this gateway accepts.' },
  header_too_large: { status: 431, type: 'invalid_request_error', message: `The request line and headers are larger than ${Math.floor(maxHeaderSize / 1024)} KB.` },
  bad_request_framing: { status: 400, type: 'invalid_request_error', message: 'The request body length is ambiguous (duplicate Content-Length, or Content-Length with Transfer-Encoding, or a bad chunk).' },
  malformed_request: { status: 400, type: 'invalid_request_error', message: 'The request is not valid HTTP/1.1.' },
  request_timeout: { status: 408, type: 'timeout_error', message: 'The request was not received in time; the connection is closed.' },
  // RFC 7694: a 415 for a content coding names the codings the server accepts.
  unsupported_content_encoding: { status: 415, type: 'invalid_request_error', message: 'Request bodies must not be compressed: send them without Content-Encoding (or with identity).', headers: { 'accept-encoding': 'identity' } },

  // Authentication (the plugin adds www-authenticate to the tenant-key 401s).
  missing_api_key: { status: 401, type: 'authentication_error', message: 'Missing API key; send it as "Authorization: Bearer <key>" or "x-api-key: <key>".' },
  invalid_authorization_header: { status: 401, type: 'authentication_error', message: 'Malformed Authorization header; expected "Authorization: Bearer <key>".' },
  invalid_api_key: { status: 401, type: 'authentication_error', message: 'Invalid API key.' },
  expired_api_key: { status: 401, type: 'authentication_error' },
  invalid_metrics_token: { status: 401, type: 'authentication_error', message: 'Metrics need "Authorization: Bearer <METRICS_TOKEN>".' },

  // Tenant policy and limits.
  policy_violation: { status: 403, type: 'permission_error' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  image_quota_exceeded: { status: 429, type: 'rate_limit_error' },
  too_many_in_flight: { status: 429, type: 'rate_limit_error', headers: { 'retry-after': '1' } },
  too_many_failed_authentications: { status: 429, type: 'rate_limit_error', message: 'Too many failed authentications from this address; wait before trying again.' },

  // Stored generations and idempotent replays.
  not_found: { status: 404, type: 'not_found_error' },
  // A manifest that fails its schema: a 404 like a missing one, with its own code so an operator
  // can tell data damage from a wrong id.
  generation_unreadable: { status: 404, type: 'not_found_error', message: 'This generation\'s stored record is unreadable; it is not served. The gateway operator has been notified in its logs.' },
  // An input named by reference whose stored bytes no longer match its manifest's sha256: data
  // damage, refused like a missing image but with its own code (logged for the operator).
  stored_image_damaged: { status: 404, type: 'not_found_error', message: 'The stored image this input refers to does not match its recorded checksum, so it is not used. The gateway operator has been notified in its logs.' },
  generation_deleted: { status: 410, type: 'not_found_error', message: 'The generation this Idempotency-Key produced has been deleted.' },
  idempotency_key_reused: { status: 409, type: 'invalid_request_error', message: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.', param: 'Idempotency-Key', headers: { 'x-should-retry': 'false' } },
  idempotency_in_progress: { status: 409, type: 'invalid_request_error', message: 'A request with this Idempotency-Key is still running; retry later.', headers: { 'retry-after': '5' } },

  // The provider. `upstream_rejected` is the caller's own mistake as the provider saw it; the
  // provider's code, when it sent one, is what the caller sees (GatewayError.providerCode).
  upstream_rejected: { status: 400, type: 'invalid_request_error' },
  upstream_rate_limited: { status: 429, type: 'rate_limit_error', message: 'The image provider is rate limiting the gateway; retry later.' },
  upstream_error: { status: 502, type: 'upstream_error' },
  upstream_auth_failed: { status: 502, type: 'upstream_error', message: 'The image provider rejected the gateway\'s credentials; the gateway operator must fix its upstream API key.' },
  upstream_unreachable: { status: 502, type: 'upstream_error', message: 'Could not reach the image provider (connection failed).' },
  upstream_no_images: { status: 502, type: 'upstream_error', message: 'The image provider answered without any image.' },
  upstream_invalid_image: { status: 502, type: 'upstream_error' },
  upstream_malformed_response: { status: 502, type: 'upstream_error' },
  upstream_answer_too_large: { status: 502, type: 'upstream_error' },
  upstream_image_too_large: { status: 502, type: 'upstream_error' },
  upstream_download_failed: { status: 502, type: 'upstream_error' },
  upstreams_unavailable: { status: 503, type: 'upstream_error' },
  upstream_timeout: { status: 504, type: 'timeout_error', message: 'The image provider did not answer in time.' },
  upstream_deadline: { status: 504, type: 'timeout_error' },
  // The upstream call was aborted for the caller; the answer is dropped when the socket is gone.
  client_closed_request: { status: 499, type: 'server_error', message: 'The request was aborted.' },

  // Dependencies and lifecycle. Storage and Redis outages are usually short (a bucket failing
  // over, a disk being freed, a Redis failover): tell clients when to come back.
  storage_unavailable: { status: 503, type: 'storage_error', headers: { 'retry-after': '5' } },
  shared_state_unavailable: { status: 503, type: 'server_error', message: 'The gateway cannot reach its shared state (Redis), so limits cannot be checked; try again shortly.', headers: { 'retry-after': '1' } },
  shutting_down: { status: 503, type: 'server_error', message: 'The gateway is shutting down and did not process this request; send it again (another replica will take it).', headers: { 'retry-after': '1', connection: 'close' } },
  internal_error: { status: 500, type: 'server_error', message: 'The gateway failed unexpectedly.' },
  // Only with checkResponses (tests): a route answered a status its schema does not declare.
  undocumented_status: { status: 500, type: 'server_error' }
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERROR_CODES

/** The codes whose message is fixed by the catalogue. */
export type FixedMessageCode = { [C in ErrorCode]: (typeof ERROR_CODES)[C] extends { message: string } ? C : never }[ErrorCode]

/** The codes that always answer with status `S`. */
export type CodeWithStatus<S extends number> = { [C in ErrorCode]: (typeof ERROR_CODES)[C]['status'] extends S ? C : never }[ErrorCode]

export function isErrorCode (code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code)
}

/** An entry as the general shape, for code that reads optional fields of any code. */
export function errorSpec (code: ErrorCode): ErrorSpec {
  return ERROR_CODES[code]
}
