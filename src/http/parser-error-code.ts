// Which catalogue code answers an error Node's HTTP parser (or its timeouts) raised on a
// connection. The answers themselves, one stable code and message each that echo nothing the
// client sent, are entries of the error catalogue (errors/error-catalogue.ts).
import type { ErrorCode } from '../errors/error-catalogue.js'

export type ParserErrorCode = Extract<ErrorCode, 'request_timeout' | 'header_too_large' | 'bad_request_framing' | 'malformed_request'>

// llhttp's error codes for a body whose length cannot be known for sure: the request-smuggling family.
const FRAMING_ERRORS = new Set(['HPE_UNEXPECTED_CONTENT_LENGTH', 'HPE_INVALID_CONTENT_LENGTH', 'HPE_INVALID_TRANSFER_ENCODING', 'HPE_INVALID_CHUNK_SIZE', 'HPE_CHUNK_EXTENSIONS_OVERFLOW'])

export function parserErrorCode (nodeCode: string): ParserErrorCode {
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout'
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return 'header_too_large'
  if (FRAMING_ERRORS.has(nodeCode)) return 'bad_request_framing'
  return 'malformed_request'
}
