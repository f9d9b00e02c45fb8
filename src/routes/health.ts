// Liveness and readiness probes for orchestrators.
import type { FastifyInstance } from 'fastify'
import type { Storage } from '../storage/storage.js'

export async function healthRoutes (app: FastifyInstance, options: { storage: Storage }): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (request, reply) => {
    try {
      await options.storage.checkReady()
      return { status: 'ready', checks: { storage: 'ok' } }
    } catch (error) {
      request.log.warn({ err: error }, 'storage not ready')
      return reply.code(503).send({ status: 'not_ready', checks: { storage: 'unavailable' } })
    }
  })
}
