// GET /metrics: the Prometheus exposition of this gateway's own registry. Public unless
// METRICS_TOKEN is set; then it needs `Authorization: Bearer <METRICS_TOKEN>` (not a tenant key).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import { errorAnswers, headersNamed } from '../openapi/route-responses.js'

export interface MetricsRouteOptions {
  metrics: GatewayMetrics
  token?: string
}

// Digests have equal lengths, so the comparison takes the same time whatever was presented.
const digest = (value: string) => createHash('sha256').update(value).digest()

export async function metricsRoutes (app: FastifyInstance, options: MetricsRouteOptions): Promise<void> {
  const expected = options.token === undefined ? undefined : digest(`Bearer ${options.token}`)
  app.get('/metrics', {
    schema: {
      operationId: 'getMetrics',
      summary: 'Prometheus metrics',
      description: 'The Prometheus text exposition (README lists the metrics). Public unless the gateway runs with METRICS_TOKEN; then send it as a bearer token.',
      tags: ['operations'],
      security: [{}, { metricsToken: [] }],
      response: {
        200: {
          description: 'The metrics, in the Prometheus text format.',
          headers: headersNamed([]),
          content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } }
        },
        ...errorAnswers(401)
      }
    }
  }, async (request, reply) => {
    if (expected !== undefined) {
      const presented = request.headers.authorization ?? ''
      if (!timingSafeEqual(digest(presented), expected)) {
        reply.header('www-authenticate', 'Bearer')
        throw new GatewayError('invalid_metrics_token')
      }
    }
    const { contentType, body } = await options.metrics.exposition()
    return reply.type(contentType).send(body)
  })
}
