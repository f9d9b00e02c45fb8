// Liveness and readiness probes for orchestrators. What readiness checks, and when a replica is
// degraded rather than not ready, is src/health/readiness-checks.ts; this file is the HTTP side.
import type { FastifyInstance } from 'fastify'
import type { ReadinessChecks } from '../health/readiness-checks.js'
import { answer } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { Health, Readiness } from '../schemas/health.js'

export interface HealthRouteOptions {
  readiness: ReadinessChecks
}
const common = { tags: ['operations'], security: [] }

export async function healthRoutes (app: FastifyInstance, options: HealthRouteOptions): Promise<void> {
  app.get('/healthz', {
    schema: {
      ...common,
      operationId: 'getHealth',
      summary: 'Liveness: the process answers',
      response: { 200: answer(refTo(Health), 'Alive.') }
    }
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    schema: {
      ...common,
      operationId: 'getReadiness',
      summary: 'Readiness: storage is writable and, when configured, Redis answers',
      response: {
        200: answer(refTo(Readiness), 'Ready (or degraded: Redis is down and REDIS_FAILURE_POLICY=fail-open).'),
        503: answer(refTo(Readiness), 'Not ready: a check failed (named in checks).')
      }
    }
  }, async (request, reply) => {
    const { state, checks } = await options.readiness.run(request.log)
    if (state === 'not_ready') return reply.code(503).send({ status: state, checks })
    return { status: state, checks }
  })
}
