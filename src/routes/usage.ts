// GET /v1/usage: what the calling tenant has used of its limits right now. The request counter is
// @fastify/rate-limit's own (this call counts as one request), read back from the headers it set.
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { quotaCounters } from '../limits/image-admission.js'
import type { LimitStore } from '../limits/limit-store.js'
import { ErrorEnvelope } from '../schemas/common.js'
import { requireTenant } from './require-tenant.js'

const Window = Type.Object({ used: Type.Integer(), limit: Type.Integer(), remaining: Type.Integer(), reset_seconds: Type.Integer() })

export const UsageResponse = Type.Object({
  tenant: Type.String(),
  requests: Window,
  images: Type.Object({ minute: Window, day: Window }),
  in_flight: Type.Object({ used: Type.Integer(), limit: Type.Integer() })
}, { $id: 'Usage' })

export async function usageRoutes (app: FastifyInstance, options: { store: LimitStore, now?: () => number }): Promise<void> {
  const now = options.now ?? Date.now
  app.get('/v1/usage', { schema: { response: { 200: UsageResponse, '4xx': ErrorEnvelope } } }, async (request, reply) => {
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
