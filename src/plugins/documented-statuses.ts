// For tests: every status a route answers must be one its schema documents (and so one the OpenAPI
// document lists). An undocumented status is turned into a 500 naming it, so the test that
// provoked it fails.
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { GatewayError } from '../errors/gateway-error.js'

async function documentedStatuses (app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (request, reply, payload) => {
    const documented = request.routeOptions.schema?.response as Record<string, unknown> | undefined
    if (documented === undefined) return payload // unmatched URLs and hidden routes (Swagger UI assets)
    const status = String(reply.statusCode)
    if (status in documented || `${status[0] ?? ''}xx` in documented) return payload
    const message = `Status ${status} is not documented for ${request.method} ${request.routeOptions.url ?? ''}.`
    request.log.error({ status }, message)
    if (payload instanceof Readable) payload.destroy()
    reply.code(500).type('application/json; charset=utf-8')
    return JSON.stringify(new GatewayError('undocumented_status', { message }).envelope())
  })
}

export default fp(documentedStatuses, { name: 'documented-statuses' })
