// POST /generate and POST /v1/images/generations: one handler, one contract (OpenAI's
// images.generate), answered with durable links. The route translates HTTP: the body schema, the
// Idempotency-Key header, the call to the use case (generation/image-generator.ts) and the
// idempotent-replayed header.
import type { FastifyInstance } from 'fastify'
import type { ImageGenerator } from '../generation/image-generator.js'
import { streamsEvents } from '../openapi/event-stream-body.js'
import { acceptsIdempotencyKey } from '../openapi/finish-document.js'
import { answer, errorAnswers, RATE_LIMIT_HEADERS } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { generateRequestSchema, GenerateResponse, type GenerateRequest } from '../schemas/generation.js'
import { answerWithEvents } from './event-stream-answer.js'
import { idempotencyKeyOf } from './idempotency-key.js'
import { requireTenant } from './require-tenant.js'

export interface GenerateRouteOptions {
  generator: ImageGenerator
  promptMaxLength: number
}

const ROUTES = [
  { url: '/v1/images/generations', operationId: 'createImage', summary: 'Generate images (OpenAI images.generate)' },
  { url: '/generate', operationId: 'generate', summary: 'Generate images (same contract as /v1/images/generations)' }
]

const DESCRIPTION = "Takes OpenAI's images.generate parameters, checks the tenant's policy and quotas, calls the provider, stores every image and answers with durable links that do not expire. With response_format b64_json the image is also inline. Send an Idempotency-Key to make retries safe."

export async function generateRoutes (app: FastifyInstance, options: GenerateRouteOptions): Promise<void> {
  const body = generateRequestSchema(options.promptMaxLength)
  for (const { url, operationId, summary } of ROUTES) {
    app.post<{ Body: GenerateRequest }>(url, {
      schema: {
        operationId,
        summary,
        description: DESCRIPTION,
        tags: ['generate'],
        ...acceptsIdempotencyKey,
        ...streamsEvents('image_generation'),
        body,
        response: {
          200: answer(refTo(GenerateResponse), 'The stored images, with durable links.', [...RATE_LIMIT_HEADERS, 'idempotent-replayed']),
          ...errorAnswers(400, 401, 403, 404, 409, 410, 413, 415, 429, 500, 502, 503, 504)
        }
      }
    }, async (request, reply) => {
      const tenant = requireTenant(request)
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'])
      if (request.body.stream === true) {
        return await answerWithEvents(reply, 'image_generation', { maxPartials: (request.body.partial_images ?? 0) * (request.body.n ?? 1) }, async (onPartial) =>
          await options.generator.generate(tenant, request.body, { idempotencyKey, log: request.log, onPartial }))
      }
      const { response, replayed } = await options.generator.generate(tenant, request.body, { idempotencyKey, log: request.log })
      if (replayed) reply.header('idempotent-replayed', 'true')
      return response
    })
  }
}
