// The answers to requests that never reach a route: unparseable HTTP, bad URLs, oversized headers,
// slow clients, encoded bodies. A typed catalogue, so each has one stable code and one message, and
// none echoes what the client sent.
import { maxHeaderSize } from 'node:http'
import { GatewayError, type ErrorType } from '../errors/gateway-error.js'

interface ProtocolErrorSpec { status: number, type: ErrorType, message: string, headers?: Record<string, string> }

const PROTOCOL_ERRORS = {
  bad_url: { status: 400, type: 'invalid_request_error', message: 'The request URL is not valid (malformed percent-encoding).' },
  uri_too_long: { status: 414, type: 'invalid_request_error', message: 'A segment of the request path is longer than this gateway accepts.' },
  header_too_large: { status: 431, type: 'invalid_request_error', message: `The request line and headers are larger than ${Math.floor(maxHeaderSize / 1024)} KB.` },
  bad_request_framing: { status: 400, type: 'invalid_request_error', message: 'The request body length is ambiguous (duplicate Content-Length, or Content-Length with Transfer-Encoding, or a bad chunk).' },
  malformed_request: { status: 400, type: 'invalid_request_error', message: 'The request is not valid HTTP/1.1.' },
  request_timeout: { status: 408, type: 'timeout_error', message: 'The request was not received in time; the connection is closed.' },
  // RFC 7694: a 415 for a content coding names the codings the server accepts.
  unsupported_content_encoding: { status: 415, type: 'invalid_request_error', message: 'Request bodies must not be compressed: send them without Content-Encoding (or with identity).', headers: { 'accept-encoding': 'identity' } }
} satisfies Record<string, ProtocolErrorSpec>

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS

export function protocolError (code: ProtocolErrorCode): GatewayError {
  const spec: ProtocolErrorSpec = PROTOCOL_ERRORS[code]
  return new GatewayError({ status: spec.status, type: spec.type, code, message: spec.message, headers: spec.headers })
}

// llhttp's error codes for a body whose length cannot be known for sure: the request-smuggling family.
const FRAMING_ERRORS = new Set(['HPE_UNEXPECTED_CONTENT_LENGTH', 'HPE_INVALID_CONTENT_LENGTH', 'HPE_INVALID_TRANSFER_ENCODING', 'HPE_INVALID_CHUNK_SIZE', 'HPE_CHUNK_EXTENSIONS_OVERFLOW'])

/** What to answer for an error Node's HTTP parser (or its timeouts) raised on a connection. */
export function parserErrorCode (nodeCode: string): ProtocolErrorCode {
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'request_timeout'
  if (nodeCode === 'HPE_HEADER_OVERFLOW') return 'header_too_large'
  if (FRAMING_ERRORS.has(nodeCode)) return 'bad_request_framing'
  return 'malformed_request'
}
