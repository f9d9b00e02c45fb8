// Counts every answer for /metrics: by route pattern (never the raw URL), method, status and
// tenant, with its latency; 429s also by their error code.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'

async function requestMetrics (app: FastifyInstance, options: { metrics: GatewayMetrics }): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    const tenant = request.tenant?.id
    // Unmatched URLs share one label, whatever was asked for.
    const route = request.routeOptions.url ?? 'unmatched'
    options.metrics.request(route, request.method, reply.statusCode, tenant, reply.elapsedTime / 1000)
    if (reply.statusCode === 429 && request.answeredError !== null) options.metrics.tooManyRequests(request.answeredError.code, tenant)
  })
}

export default fp(requestMetrics, { name: 'request-metrics' })
