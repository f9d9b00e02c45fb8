// Resolves the caller's tenant from `Authorization: Bearer <key>` or `x-api-key` before the body is
// read, so an unauthenticated caller cannot make the gateway parse anything. Failed attempts are
// counted per client address and throttled.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import type { AuthFailureThrottle } from '../limits/auth-failures.js'
import type { KeyDirectory } from '../tenants/key-directory.js'
import type { Tenant } from '../tenants/tenant.js'

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant | null
  }
}

const BEARER = /^Bearer +(\S+) *$/i

function presentedKey (request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization)
    if (match?.[1] === undefined) {
      throw new GatewayError('invalid_authorization_header')
    }
    return match[1]
  }
  const headerKey = request.headers['x-api-key']
  if (typeof headerKey === 'string' && headerKey.length > 0) return headerKey
  return undefined
}

function resolveTenant (request: FastifyRequest, keys: KeyDirectory): Tenant {
  const apiKey = presentedKey(request)
  if (apiKey === undefined) {
    throw new GatewayError('missing_api_key')
  }
  const resolution = keys.resolve(apiKey)
  if (resolution.status === 'expired') {
    throw new GatewayError('expired_api_key', { message: `This API key expired at ${resolution.expiresAt.toISOString()}; ask for a new one.` })
  }
  if (resolution.status === 'unknown') throw new GatewayError('invalid_api_key')
  return resolution.tenant
}

export function createAuthenticate (keys: () => KeyDirectory, failures: AuthFailureThrottle): onRequestAsyncHookHandler {
  return async function authenticate (request: FastifyRequest, reply: FastifyReply) {
    await failures.check(request.ip)
    try {
      request.tenant = resolveTenant(request, keys())
    } catch (error) {
      if (error instanceof GatewayError && error.status === 401) {
        reply.header('www-authenticate', 'Bearer')
        await failures.record(request.ip)
      }
      throw error
    }
  }
}
