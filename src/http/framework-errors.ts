// Fastify's `frameworkErrors`: the router's own rejections, before any route or hook runs (a path
// that is not valid percent-encoding, a path parameter over maxParamLength), answered in the OpenAI
// envelope instead of Fastify's body that echoes the URL.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { logAnswered, sendGatewayError } from '../plugins/error-handler.js'
import { fastifyErrorCode } from './fastify-error-code.js'

export function answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const gatewayError = new GatewayError(fastifyErrorCode(error), { cause: error })
  logAnswered(request.log, error, gatewayError)
  // The app's onRequest hook that sets it does not run for these.
  reply.header('x-request-id', request.id)
  sendGatewayError(reply, gatewayError)
}
