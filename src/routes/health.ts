// Liveness and readiness probes for orchestrators. Readiness checks storage and, when shared state
// is in Redis, Redis: fail-closed replicas are not ready without it; fail-open ones stay ready and
// say they are degraded (taking them all out of the load balancer would defeat failing open).
import type { FastifyInstance } from 'fastify'
import { answer } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { Health, Readiness, type CheckResult } from '../schemas/health.js'
import type { SharedStateReadiness } from '../shared-state/create-shared-state.js'
import { StorageError, type Storage } from '../storage/storage.js'

export interface HealthRouteOptions {
  storage: Storage
  redis?: SharedStateReadiness
  /** Each check's own deadline: a probe must answer fast even when a dependency hangs. */
  checkTimeoutMs: number
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
    const [storage, redis] = await Promise.all([
      probe(() => options.storage.checkReady(), options.checkTimeoutMs, (error) => request.log.warn({ err: error }, 'storage not ready')),
      options.redis === undefined
        ? undefined
        : probe(() => (options.redis as SharedStateReadiness).check(), options.checkTimeoutMs, (error) => request.log.warn({ err: error }, 'Redis not ready'))
    ])
    const checks = { storage, ...(redis !== undefined ? { redis } : {}) }
    const ready = storage === 'ok' && (redis === undefined || redis === 'ok' || options.redis?.required === false)
    if (!ready) return reply.code(503).send({ status: 'not_ready' as const, checks })
    return { status: redis !== undefined && redis !== 'ok' ? 'degraded' as const : 'ready' as const, checks }
  })
}

// One check against its own deadline. A check still running when the deadline passes is
// abandoned: its late failure is not logged again (the timeout already was).
async function probe (check: () => Promise<void>, timeoutMs: number, onFailure: (error: unknown) => void): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined
  let timedOut = false
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true
      onFailure(new Error(`no answer within ${timeoutMs} ms`))
      resolve('timeout')
    }, timeoutMs)
  })
  const checked = check().then(() => 'ok' as const, (error: unknown) => {
    if (!timedOut) onFailure(error)
    if (error instanceof StorageError && error.code === 'timeout') return 'timeout' as const
    if (error instanceof StorageError && error.code === 'full') return 'disk_full' as const
    return 'unavailable' as const
  })
  try {
    return await Promise.race([checked, deadline])
  } finally {
    clearTimeout(timer)
  }
}
