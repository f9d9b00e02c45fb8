// Request bodies are read as they come: a compressed body (Content-Encoding other than identity)
// is refused with 415 unsupported_content_encoding before it is read, rather than parsed as if it
// were plain JSON. Decoding would need a decoded-size limit against zip bombs for no caller's
// benefit: the OpenAI SDKs never compress requests, and prompts are small.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { GatewayError } from '../errors/gateway-error.js'

function hasBody (request: FastifyRequest): boolean {
  // Fastify never reads a GET or HEAD body, so its encoding does not matter.
  if (request.method === 'GET' || request.method === 'HEAD') return false
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

function isIdentity (contentEncoding: string): boolean {
  return contentEncoding.split(',').every((coding) => {
    const name = coding.trim().toLowerCase()
    return name === '' || name === 'identity'
  })
}

async function rejectEncodedBodies (app: FastifyInstance): Promise<void> {
  // preParsing: after authentication (onRequest), so an anonymous caller learns nothing from it.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const contentEncoding = request.headers['content-encoding']
    if (contentEncoding === undefined || !hasBody(request) || isIdentity(contentEncoding)) return payload
    throw new GatewayError('unsupported_content_encoding')
  })
}

export default fp(rejectEncodedBodies, { name: 'reject-encoded-bodies' })
