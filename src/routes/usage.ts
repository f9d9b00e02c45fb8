// GET /v1/usage: what the calling tenant has used of its limits right now. The request counter is
// @fastify/rate-limit's own (this call counts as one request), read back from the headers it set.
import type { FastifyInstance } from 'fastify'
import { quotaCounters } from '../limits/image-admission.js'
import type { LimitStore } from '../limits/limit-store.js'
import { answer, errorAnswers, RATE_LIMIT_HEADERS } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { UsageResponse } from '../schemas/usage.js'
import { requireTenant } from './require-tenant.js'

export async function usageRoutes (app: FastifyInstance, options: { store: LimitStore, now?: () => number }): Promise<void> {
  const now = options.now ?? Date.now
  app.get('/v1/usage', {
    schema: {
      operationId: 'getUsage',
      summary: "The tenant's limits and what is used of them",
      description: 'Requests in the current rate-limit window (this call counts), images this calendar minute and UTC day, and generations in flight.',
      tags: ['usage'],
      response: {
        200: answer(refTo(UsageResponse), 'Usage now.', RATE_LIMIT_HEADERS),
        ...errorAnswers(401, 429, 500, 503)
      }
    }
  }, async (request, reply) => {
    const tenant = requireTenant(request)
    const at = now()
    const counters = quotaCounters(tenant, at)
    const [[minuteUsed = 0, dayUsed = 0], inFlight] = await Promise.all([
      options.store.peek([counters.minute.key, counters.day.key]),
      options.store.slotsInUse(counters.inFlightKey)
    ])
    const window = (used: number, limit: number, resetAt: number) => ({
      used, limit, remaining: Math.max(0, limit - used), reset_seconds: Math.max(0, Math.ceil((resetAt - at) / 1000))
    })
    const requestLimit = Number(reply.getHeader('x-ratelimit-limit') ?? tenant.policy.rateLimit.max)
    const requestsRemaining = Number(reply.getHeader('x-ratelimit-remaining') ?? requestLimit)
    return {
      tenant: tenant.id,
      requests: {
        used: requestLimit - requestsRemaining,
        limit: requestLimit,
        remaining: requestsRemaining,
        reset_seconds: Number(reply.getHeader('x-ratelimit-reset') ?? 0)
      },
      images: {
        minute: window(minuteUsed, counters.minute.limit, counters.minute.resetAt),
        day: window(dayUsed, counters.day.limit, counters.day.resetAt)
      },
      in_flight: { used: inFlight, limit: tenant.policy.maxInFlight }
    }
  })
}
