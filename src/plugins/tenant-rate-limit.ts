// Request-rate limits per tenant with @fastify/rate-limit: keyed by tenant id, each tenant's own
// max and window, checked after authentication and before the body is parsed. Over the limit, the
// plugin throws our GatewayError so the answer is the OpenAI envelope. The plugin counts in `store`
// (the Redis-backed one with many replicas, src/shared-state/rate-limit-store.ts; else this
// process's), which GET /v1/usage reads too. Neither continueExceeding nor exponentialBackoff is
// set: the stores are built for plain fixed windows.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { pluginStoreFor, requestRateKey, type RequestRateStore } from '../limits/request-rate-store.js'
import type { Tenant } from '../tenants/tenant.js'

function tenantOf (request: FastifyRequest): Tenant {
  if (request.tenant === null) throw new Error('rate limit ran before authentication')
  return request.tenant
}

export async function registerTenantRateLimit (scope: FastifyInstance, store: RequestRateStore): Promise<void> {
  await scope.register(rateLimit, {
    global: true,
    store: pluginStoreFor(store),
    hook: 'preParsing',
    keyGenerator: (request) => requestRateKey(tenantOf(request).id),
    max: (request) => tenantOf(request).policy.rateLimit.max,
    timeWindow: (request) => tenantOf(request).policy.rateLimit.timeWindowMs,
    errorResponseBuilder: (request, context) => new GatewayError('rate_limit_exceeded', {
      message: `Rate limit reached for tenant ${tenantOf(request).id}: ${context.max} requests per window; retry in ${context.after}.`
    })
  })
}
