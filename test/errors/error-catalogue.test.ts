// The error catalogue as a specification: each code's status and type, and a GatewayError that
// takes both (and any fixed message, param and headers) from its code alone.
import type { FastifyError } from 'fastify'
import t from 'tap'
import { ERROR_CODES, errorSpec, isErrorCode, type ErrorCode } from '../../src/errors/error-catalogue.js'
import { GatewayError } from '../../src/errors/gateway-error.js'
import { fastifyErrorCode } from '../../src/http/fastify-error-code.js'
import { parserErrorCode } from '../../src/http/parser-error-code.js'

// The table as the README and OpenAPI document promise it; a code that moves to another status
// is a contract change and must show up here.
const EXPECTED: Record<ErrorCode, [number, string]> = {
  invalid_value: [400, 'invalid_request_error'],
  invalid_json: [400, 'invalid_request_error'],
  request_too_large: [413, 'invalid_request_error'],
  unsupported_media_type: [415, 'invalid_request_error'],
  upload_too_large: [413, 'invalid_request_error'],
  multipart_expected: [415, 'invalid_request_error'],
  invalid_input_image: [400, 'invalid_request_error'],
  request_aborted: [400, 'invalid_request_error'],
  bad_request: [400, 'invalid_request_error'],
  bad_url: [400, 'invalid_request_error'],
  uri_too_long: [414, 'invalid_request_error'],
  header_too_large: [431, 'invalid_request_error'],
  bad_request_framing: [400, 'invalid_request_error'],
  malformed_request: [400, 'invalid_request_error'],
  request_timeout: [408, 'timeout_error'],
  unsupported_content_encoding: [415, 'invalid_request_error'],
  missing_api_key: [401, 'authentication_error'],
  invalid_authorization_header: [401, 'authentication_error'],
  invalid_api_key: [401, 'authentication_error'],
  expired_api_key: [401, 'authentication_error'],
  invalid_metrics_token: [401, 'authentication_error'],
  policy_violation: [403, 'permission_error'],
  rate_limit_exceeded: [429, 'rate_limit_error'],
  image_quota_exceeded: [429, 'rate_limit_error'],
  too_many_in_flight: [429, 'rate_limit_error'],
  too_many_failed_authentications: [429, 'rate_limit_error'],
  not_found: [404, 'not_found_error'],
  generation_unreadable: [404, 'not_found_error'],
  stored_image_damaged: [404, 'not_found_error'],
  generation_deleted: [410, 'not_found_error'],
  idempotency_key_reused: [409, 'invalid_request_error'],
  idempotency_in_progress: [409, 'invalid_request_error'],
  upstream_rejected: [400, 'invalid_request_error'],
  upstream_rate_limited: [429, 'rate_limit_error'],
  upstream_error: [502, 'upstream_error'],
  upstream_auth_failed: [502, 'upstream_error'],
  upstream_unreachable: [502, 'upstream_error'],
  upstream_no_images: [502, 'upstream_error'],
  upstream_invalid_image: [502, 'upstream_error'],
  upstream_malformed_response: [502, 'upstream_error'],
  upstream_answer_too_large: [502, 'upstream_error'],
  upstream_image_too_large: [502, 'upstream_error'],
  upstream_download_failed: [502, 'upstream_error'],
  upstreams_unavailable: [503, 'upstream_error'],
  upstream_timeout: [504, 'timeout_error'],
  upstream_deadline: [504, 'timeout_error'],
  client_closed_request: [499, 'server_error'],
  storage_unavailable: [503, 'storage_error'],
  shared_state_unavailable: [503, 'server_error'],
  shutting_down: [503, 'server_error'],
  internal_error: [500, 'server_error'],
  undocumented_status: [500, 'server_error']
}

// Typed as never: one loop builds every code, whose options the compiler types code by code.
const someMessage = (code: ErrorCode): never => (errorSpec(code).message === undefined ? { message: `a ${code} message` } : {}) as never

t.test('every code has the status and type the contract promises', async (t) => {
  t.same(Object.keys(ERROR_CODES).sort(), Object.keys(EXPECTED).sort())
  for (const [code, [status, type]] of Object.entries(EXPECTED)) {
    t.same([errorSpec(code as ErrorCode).status, errorSpec(code as ErrorCode).type], [status, type], code)
  }
})

t.test('a GatewayError takes its status and type from its code', async (t) => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const error = new GatewayError(code, someMessage(code))
    t.match(error, { code, status: EXPECTED[code][0], type: EXPECTED[code][1], name: 'GatewayError' }, code)
    t.ok(error instanceof Error)
  }
})

t.test('a fixed message, param and headers come from the catalogue', async (t) => {
  const reused = new GatewayError('idempotency_key_reused')
  t.same(reused.envelope(), {
    error: {
      message: 'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
      type: 'invalid_request_error',
      param: 'Idempotency-Key',
      code: 'idempotency_key_reused'
    }
  })
  t.same(reused.headers, { 'x-should-retry': 'false' })
  t.same(new GatewayError('shutting_down').headers, { 'retry-after': '1', connection: 'close' })
})

t.test('headers given at the throw site join, and override, the catalogue\'s', async (t) => {
  const storage = new GatewayError('storage_unavailable', { message: 'Storage is full; try again shortly.' })
  t.same(storage.headers, { 'retry-after': '5' })
  const later = new GatewayError('storage_unavailable', { message: 'x', headers: { 'retry-after': '30', 'x-should-retry': 'false' } })
  t.same(later.headers, { 'retry-after': '30', 'x-should-retry': 'false' })
})

t.test('a varying message, param and cause are the throw site\'s', async (t) => {
  const cause = new Error('disk')
  const error = new GatewayError('policy_violation', { message: 'Tenant acme may not use n 9; allowed: 1 to 4.', param: 'n', cause })
  t.equal(error.message, 'Tenant acme may not use n 9; allowed: 1 to 4.')
  t.equal(error.param, 'n')
  t.equal(error.cause, cause)
  t.same(error.headers, {})
})

t.test('a code whose message varies refuses to be built without one', async (t) => {
  t.throws(() => new GatewayError('not_found', {} as never), /needs a message/)
})

t.test('a provider\'s own code is what the caller sees; the catalogue code stays ours', async (t) => {
  const rejected = new GatewayError('upstream_rejected', { message: 'Rejected by the safety system.', providerCode: 'content_policy_violation' })
  t.equal(rejected.code, 'upstream_rejected')
  t.equal(rejected.status, 400)
  t.equal(rejected.envelope().error.code, 'content_policy_violation')
  const unexplained = new GatewayError('upstream_rejected', { message: 'The image provider rejected the request.' })
  t.equal(unexplained.envelope().error.code, 'upstream_rejected')
})

t.test('the compiler keeps codes, statuses and messages apart', async (t) => {
  // @ts-expect-error a code the catalogue does not hold
  t.throws(() => new GatewayError('teapot', { message: 'x' }))
  // @ts-expect-error a status cannot be given: it is the code's
  t.equal(new GatewayError('invalid_api_key', { status: 500 }).status, 401)
  // @ts-expect-error a fixed message cannot be replaced
  t.equal(new GatewayError('invalid_api_key', { message: 'other' }).message, 'Invalid API key.')
  // @ts-expect-error only upstream_rejected carries a provider code
  t.equal(new GatewayError('upstream_error', { message: 'x', providerCode: 'y' }).code, 'upstream_error')
})

t.test('isErrorCode tells catalogue codes from other strings', async (t) => {
  t.ok(isErrorCode('too_many_in_flight'))
  t.notOk(isErrorCode('content_policy_violation'))
  t.notOk(isErrorCode('toString'))
})

t.test('Node parser errors map to their catalogue codes', async (t) => {
  t.equal(parserErrorCode('ERR_HTTP_REQUEST_TIMEOUT'), 'request_timeout')
  t.equal(parserErrorCode('HPE_HEADER_OVERFLOW'), 'header_too_large')
  t.equal(parserErrorCode('HPE_UNEXPECTED_CONTENT_LENGTH'), 'bad_request_framing')
  t.equal(parserErrorCode('HPE_INVALID_METHOD'), 'malformed_request')
})

function fastifyError (code: string | undefined, statusCode: number | undefined, base: Error = new Error('framework text')): FastifyError {
  return Object.assign(base, { code, statusCode }) as FastifyError
}

t.test('Fastify errors map to catalogue codes, never to Fastify\'s own', async (t) => {
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)), 'unsupported_media_type')
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413)), 'request_too_large')
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400)), 'invalid_json')
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400)), 'invalid_json')
  t.equal(fastifyErrorCode(fastifyError(undefined, 400, new SyntaxError('Unexpected token'))), 'invalid_json')
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_BAD_URL', 400)), 'bad_url')
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414)), 'uri_too_long')
  t.equal(fastifyErrorCode(fastifyError('ECONNRESET', 400)), 'request_aborted', 'a body stream the client abandoned')
})

t.test('any other Fastify 4xx falls back to 400 bad_request, anything else to 500', async (t) => {
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400)), 'bad_request')
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_SOMETHING_NEW', 422)), 'bad_request')
  t.equal(fastifyErrorCode(fastifyError('FST_ERR_ASYNC_CONSTRAINT', 500)), 'internal_error')
  t.equal(fastifyErrorCode(fastifyError(undefined, undefined)), 'internal_error')
  t.equal(fastifyErrorCode(fastifyError('constructor', 400)), 'bad_request', 'an inherited key is not a table entry')
})
