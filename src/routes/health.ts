// Liveness and readiness probes for orchestrators.
import type { FastifyInstance } from 'fastify'
import { answer } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { Health, Readiness } from '../schemas/health.js'
import type { Storage } from '../storage/storage.js'

const common = { tags: ['operations'], security: [] }

export async function healthRoutes (app: FastifyInstance, options: { storage: Storage }): Promise<void> {
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
      summary: 'Readiness: storage is writable',
      response: {
        200: answer(refTo(Readiness), 'Ready: every check is ok.'),
        503: answer(refTo(Readiness), 'Not ready: a check failed (named in checks).')
      }
    }
  }, async (request, reply) => {
    try {
      await options.storage.checkReady()
      return { status: 'ready' as const, checks: { storage: 'ok' } }
    } catch (error) {
      request.log.warn({ err: error }, 'storage not ready')
      return reply.code(503).send({ status: 'not_ready', checks: { storage: 'unavailable' } })
    }
  })
}
