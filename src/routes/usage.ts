// GET /v1/usage: what the calling tenant has used of its limits right now (src/tenants/tenant-usage.ts).
import type { FastifyInstance } from 'fastify'
import { answer, errorAnswers, RATE_LIMIT_HEADERS } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { UsageResponse } from '../schemas/usage.js'
import type { TenantUsage } from '../tenants/tenant-usage.js'
import { requireTenant } from './require-tenant.js'

export async function usageRoutes (app: FastifyInstance, options: { usage: TenantUsage }): Promise<void> {
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
  }, async (request) => await options.usage.read(requireTenant(request)))
}
