// Which catalogue code answers an error Fastify raised itself (routing, body parsing), so neither
// Fastify's codes nor its wording (which can echo the URL) reach a caller. Used by the error
// handler and by `frameworkErrors`, for the errors that happen before any route runs.
import type { FastifyError } from 'fastify'
import type { ErrorCode } from '../errors/error-catalogue.js'

const FASTIFY_CODES = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long'
} as const satisfies Record<string, ErrorCode>

export type FastifyErrorCode = (typeof FASTIFY_CODES)[keyof typeof FASTIFY_CODES] | 'request_aborted' | 'bad_request' | 'internal_error'

export function fastifyErrorCode (error: FastifyError): FastifyErrorCode {
  if (Object.hasOwn(FASTIFY_CODES, error.code)) return FASTIFY_CODES[error.code as keyof typeof FASTIFY_CODES]
  const status = error.statusCode ?? 500
  if (status < 400 || status >= 500) return 'internal_error'
  // A body parser's own JSON.parse failing.
  if (status === 400 && error instanceof SyntaxError) return 'invalid_json'
  // Fastify gives a failed body stream status 400; ECONNRESET is the client leaving mid-body.
  if (error.code === 'ECONNRESET') return 'request_aborted'
  // Any other 4xx has no entry of its own: one fixed 400 rather than a status and code the
  // catalogue does not know (the error handler logs Fastify's code so an entry can be added).
  return 'bad_request'
}
