// The one place errors become HTTP answers: every error leaves as the OpenAI envelope
// {"error": {message, type, param, code}} with the right status and headers.
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { ErrorCode } from '../errors/error-catalogue.js'
import { GatewayError } from '../errors/gateway-error.js'
import { fastifyErrorCode } from '../http/fastify-error-code.js'
import { StorageError, TornObjectError } from '../storage/storage.js'
import type { FieldError } from '../validation/typebox-validator.js'
import { OutageLog } from './outage-log.js'

const STORAGE_MESSAGES: Record<StorageError['code'], string> = {
  failed: 'Storage is unavailable; try again shortly.',
  timeout: 'Storage did not answer in time; try again shortly.',
  torn: 'The stored image is incomplete and no complete copy is available; try again shortly.',
  full: 'Storage is full; try again shortly.'
}

/** Any error a route or hook throws, as the catalogue error it is answered with. */
export function toGatewayError (error: FastifyError | GatewayError): GatewayError {
  if (error instanceof GatewayError) return error
  if (error instanceof StorageError) return new GatewayError('storage_unavailable', { message: STORAGE_MESSAGES[error.code], cause: error })
  if (error.validation !== undefined) {
    const first = error.validation[0] as unknown as Partial<FieldError> | undefined
    return new GatewayError('invalid_value', { param: first?.param ?? null, message: first?.message ?? error.message })
  }
  return new GatewayError(fastifyErrorCode(error), { cause: error })
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The error this request was answered with, if any (for metrics and logs). */
    answeredError: { status: number, code: ErrorCode } | null
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
    .send(error.envelope())
}

/** The one log line of an error answered: failures at error, rejections at info, unmapped Fastify errors at warn. */
export function logAnswered (log: FastifyBaseLogger, original: unknown, gatewayError: GatewayError): void {
  if (gatewayError.status >= 500) {
    log.error({ err: original, code: gatewayError.code, providerRequestId: gatewayError.providerRequestId }, 'request failed')
  } else if (gatewayError.code === 'bad_request') {
    // The catalogue's fallback, only ever built from a Fastify error: its code names the missing entry.
    const framework = original as Partial<FastifyError>
    log.warn({ status: framework.statusCode, frameworkCode: framework.code, reason: framework.message }, 'request rejected by Fastify with no catalogue entry; answered 400 bad_request')
  } else {
    log.info({ status: gatewayError.status, code: gatewayError.code, providerCode: gatewayError.providerCode, providerRequestId: gatewayError.providerRequestId }, 'request rejected')
  }
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
    } else {
      logAnswered(request.log, error, gatewayError)
    }
    // A client that went away gets no answer; there is nobody to send it to.
    if (gatewayError.status === 499 && request.raw.destroyed) return
    return sendGatewayError(reply, gatewayError)
  })
  app.setNotFoundHandler((request, reply) => sendGatewayError(reply, new GatewayError('not_found', { message: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.` })))
}

export default fp(errorHandler, { name: 'error-handler' })
