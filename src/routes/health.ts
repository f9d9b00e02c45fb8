// Liveness and readiness probes for orchestrators. Readiness checks storage and, when shared state
// is in Redis, Redis: fail-closed replicas are not ready without it; fail-open ones stay ready and
// say they are degraded (taking them all out of the load balancer would defeat failing open).
import type { FastifyInstance } from 'fastify'
import { answer } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { Health, Readiness } from '../schemas/health.js'
import type { SharedStateReadiness } from '../shared-state/create-shared-state.js'
import type { Storage } from '../storage/storage.js'

type CheckResult = 'ok' | 'unavailable'
const common = { tags: ['operations'], security: [] }

export async function healthRoutes (app: FastifyInstance, options: { storage: Storage, redis?: SharedStateReadiness }): Promise<void> {
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
    const [storage, redis] = await Promise.all([
      probe(() => options.storage.checkReady(), (error) => request.log.warn({ err: error }, 'storage not ready')),
      options.redis === undefined
        ? undefined
        : probe(() => (options.redis as SharedStateReadiness).check(), (error) => request.log.warn({ err: error }, 'Redis not ready'))
    ])
    const checks = { storage, ...(redis !== undefined ? { redis } : {}) }
    const ready = storage === 'ok' && (redis !== 'unavailable' || options.redis?.required === false)
    if (!ready) return reply.code(503).send({ status: 'not_ready' as const, checks })
    return { status: redis === 'unavailable' ? 'degraded' as const : 'ready' as const, checks }
  })
}

async function probe (check: () => Promise<void>, onFailure: (error: unknown) => void): Promise<CheckResult> {
  try {
    await check()
    return 'ok'
  } catch (error) {
    onFailure(error)
    return 'unavailable'
  }
}
