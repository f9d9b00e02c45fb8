// Fastify's `frameworkErrors`: the router's own rejections, before any route or hook runs (a path
// that is not valid percent-encoding, a path parameter over maxParamLength), answered in the OpenAI
// envelope instead of Fastify's body that echoes the URL.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { sendGatewayError } from '../plugins/error-handler.js'
import { protocolError } from './protocol-errors.js'

function toGatewayError (error: FastifyError): GatewayError {
  if (error.code === 'FST_ERR_BAD_URL') return protocolError('bad_url')
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return protocolError('uri_too_long')
  return new GatewayError({ status: 500, type: 'server_error', code: 'internal_error', message: 'The gateway failed unexpectedly.', cause: error })
}

export function answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const gatewayError = toGatewayError(error)
  if (gatewayError.status >= 500) request.log.error({ err: error, code: gatewayError.code }, 'request failed')
  else request.log.info({ status: gatewayError.status, code: gatewayError.code }, 'request rejected')
  // The app's onRequest hook that sets it does not run for these.
  reply.header('x-request-id', request.id)
  sendGatewayError(reply, gatewayError)
}
