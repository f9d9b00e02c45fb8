// Serves the contract: the OpenAPI 3.1 document built by @fastify/swagger from the routes' own
// schemas at /openapi.json, and Swagger UI at /docs. Registered before the routes so it sees them all.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { swaggerOptions } from '../openapi/document-options.js'
import { answer } from '../openapi/route-responses.js'
import { SHARED_SCHEMAS } from '../schemas/shared.js'

export interface OpenapiOptions {
  /** The servers entry of the document: PUBLIC_BASE_URL, or "/" (wherever the document is served from). */
  serverUrl: string
}

async function openapi (app: FastifyInstance, options: OpenapiOptions): Promise<void> {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
  await app.register(swagger, swaggerOptions(options.serverUrl))
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.get('/openapi.json', {
    schema: {
      operationId: 'getOpenapiDocument',
      summary: 'This OpenAPI document',
      tags: ['operations'],
      security: [],
      response: { 200: answer(Type.Object({}, { additionalProperties: true, description: 'An OpenAPI 3.1 document.' }), 'The OpenAPI 3.1 document of this gateway.') }
    }
  }, async (_request, reply) => {
    // Sent as a string: the document is not re-serialized through its own (open) response schema.
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(app.swagger()))
  })
}

export default fp(openapi, { name: 'openapi' })
