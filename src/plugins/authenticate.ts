// Resolves the caller's tenant from `Authorization: Bearer <key>` or `x-api-key` before the body is
// read, so an unauthenticated caller cannot make the gateway parse anything.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { unauthorized } from '../errors/gateway-error.js'
import type { KeyDirectory } from '../tenants/key-directory.js'
import type { Tenant } from '../tenants/tenant.js'

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant | null
  }
}

const BEARER = /^Bearer +(\S+) *$/i

export function presentedKey (request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization)
    if (match?.[1] === undefined) {
      throw unauthorized('Malformed Authorization header; expected "Authorization: Bearer <key>".', 'invalid_authorization_header')
    }
    return match[1]
  }
  const headerKey = request.headers['x-api-key']
  if (typeof headerKey === 'string' && headerKey.length > 0) return headerKey
  return undefined
}

export function createAuthenticate (keys: () => KeyDirectory): onRequestAsyncHookHandler {
  return async function authenticate (request: FastifyRequest, reply: FastifyReply) {
    reply.header('www-authenticate', 'Bearer')
    const apiKey = presentedKey(request)
    if (apiKey === undefined) {
      throw unauthorized('Missing API key; send it as "Authorization: Bearer <key>" or "x-api-key: <key>".', 'missing_api_key')
    }
    const tenant = keys().resolve(apiKey)
    if (tenant === undefined) throw unauthorized('Invalid API key.')
    reply.removeHeader('www-authenticate')
    request.tenant = tenant
  }
}
