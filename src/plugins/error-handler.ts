// The one place errors become HTTP answers: every error leaves as the OpenAI envelope
// {"error": {message, type, param, code}} with the right status and headers.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { GatewayError, notFound, storageUnavailable } from '../errors/gateway-error.js'
import { StorageError, TornObjectError } from '../storage/storage.js'
import type { FieldError } from '../validation/typebox-validator.js'
import { OutageLog } from './outage-log.js'

function fromFastifyError (error: FastifyError): GatewayError | undefined {
  if (error.validation !== undefined) {
    const first = error.validation[0] as unknown as Partial<FieldError> | undefined
    return new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: first?.param ?? null,
      message: first?.message ?? error.message
    })
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError({ status: 415, type: 'invalid_request_error', code: 'unsupported_media_type', message: 'Content-Type must be application/json.' })
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError({ status: 413, type: 'invalid_request_error', code: 'request_too_large', message: 'The request body is larger than this gateway accepts.' })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_json', message: 'The request body is not valid JSON.' })
  }
  if (error.statusCode === 400 && error instanceof SyntaxError) {
    return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'invalid_json', message: 'The request body is not valid JSON.' })
  }
  return undefined
}

const STORAGE_MESSAGES: Record<StorageError['code'], string> = {
  failed: 'Storage is unavailable; try again shortly.',
  timeout: 'Storage did not answer in time; try again shortly.',
  torn: 'The stored image is incomplete and no complete copy is available; try again shortly.',
  full: 'Storage is full; try again shortly.'
}

function toGatewayError (error: FastifyError | GatewayError): GatewayError {
  if (error instanceof GatewayError) return error
  if (error instanceof StorageError) return storageUnavailable(STORAGE_MESSAGES[error.code], error)
  const known = fromFastifyError(error)
  if (known !== undefined) return known
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    return new GatewayError({ status, type: 'invalid_request_error', code: error.code ?? 'bad_request', message: error.message })
  }
  return new GatewayError({ status: 500, type: 'server_error', code: 'internal_error', message: 'The gateway failed unexpectedly.', cause: error })
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The error this request was answered with, if any (for metrics and logs). */
    answeredError: { status: number, code: string } | null
  }
}

export function sendGatewayError (reply: FastifyReply, error: GatewayError): FastifyReply {
  reply.request.answeredError = { status: error.status, code: error.code }
  // Answered before the body was read (401, 413, 415, 429…): close rather than keep reading, or a
  // client trickling its body would hold the connection for as long as it likes.
  if (!reply.request.raw.complete) reply.header('connection', 'close')
  return reply
    .code(error.status)
    .headers(error.headers)
    .send({ error: { message: error.message, type: error.type, param: error.param, code: error.code } })
}

async function errorHandler (app: FastifyInstance): Promise<void> {
  app.decorateRequest('answeredError', null)
  const outages = new OutageLog()
  app.setErrorHandler((error: FastifyError | GatewayError, request: FastifyRequest, reply: FastifyReply) => {
    const gatewayError = toGatewayError(error)
    if (gatewayError.cause instanceof TornObjectError) {
      // Data damage, not an outage: every occurrence is logged with the object it concerns.
      request.log.error({ code: gatewayError.code, reason: gatewayError.cause.message }, 'stored object is torn (shorter than its manifest); not served')
    } else if (outages.isExpected(gatewayError)) {
      outages.refused(request.log, gatewayError)
    } else if (gatewayError.status >= 500) {
      request.log.error({ err: error, code: gatewayError.code, providerRequestId: gatewayError.providerRequestId }, 'request failed')
    } else {
      request.log.info({ status: gatewayError.status, code: gatewayError.code, providerRequestId: gatewayError.providerRequestId }, 'request rejected')
    }
    // A client that went away gets no answer; there is nobody to send it to.
    if (gatewayError.status === 499 && request.raw.destroyed) return
    return sendGatewayError(reply, gatewayError)
  })
  app.setNotFoundHandler((request, reply) => sendGatewayError(reply, notFound(`No route for ${request.method} ${request.url.split('?')[0] ?? ''}.`)))
}

export default fp(errorHandler, { name: 'error-handler' })
