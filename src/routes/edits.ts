// POST /v1/images/edits (OpenAI's images.edit) and POST /v1/images/variations
// (images.createVariation): input images in, as a multipart upload the way the SDKs send it, or, for
// edits, as JSON naming images this gateway stored; stored images with durable links out, or a
// stream of events (`stream: true` on an edit). The route translates HTTP; the inputs module reads
// the images and the use case does the rest (generation/image-generator.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ImageGenerator } from '../generation/image-generator.js'
import type { ImageInputs, ReadInputs } from '../inputs/image-inputs.js'
import { acceptsIdempotencyKey } from '../openapi/finish-document.js'
import { answer, errorAnswers, RATE_LIMIT_HEADERS } from '../openapi/route-responses.js'
import multipart from '../plugins/multipart.js'
import { refTo } from '../schemas/common.js'
import { editByReferenceSchema, type EditByReference, type EditRequest } from '../schemas/edit.js'
import { GenerateResponse } from '../schemas/generation.js'
import { checkOperation } from '../tenants/check-policy.js'
import { answerWithEvents } from './event-stream-answer.js'
import { idempotencyKeyOf } from './idempotency-key.js'
import { requireTenant } from './require-tenant.js'

export interface EditRouteOptions {
  generator: ImageGenerator
  inputs: ImageInputs
  promptMaxLength: number
}

const EDIT_DESCRIPTION = "Takes OpenAI's images.edit parameters as multipart/form-data (image or image[] files, up to 16, an optional mask), or as JSON with the input images given by reference to images this gateway stored for the same tenant ({generation_id, index} or {image_url} with a durable link). Checks the tenant's policy and quotas, calls the provider, stores every output (and the inputs, unless the policy says not to) and answers with durable links; stream: true answers server-sent events."
const VARIATION_DESCRIPTION = "Takes OpenAI's images.createVariation parameters as multipart/form-data (one square PNG under 4 MB; dall-e-2), calls the provider, stores every output and answers with durable links."

export async function editRoutes (app: FastifyInstance, options: EditRouteOptions): Promise<void> {
  // Multipart is a body type in this scope only: every other route still takes JSON alone.
  await app.register(multipart, { limits: options.inputs.limits })
  const errors = errorAnswers(400, 401, 403, 404, 409, 410, 413, 415, 429, 500, 502, 503, 504)

  app.post('/v1/images/edits', {
    schema: {
      operationId: 'createImageEdit',
      summary: 'Edit images (OpenAI images.edit)',
      description: EDIT_DESCRIPTION,
      tags: ['generate'],
      ...acceptsIdempotencyKey,
      // Only the JSON form is validated by schema; the multipart form is read and checked as it streams.
      body: { content: { 'application/json': { schema: editByReferenceSchema(options.promptMaxLength) } } },
      response: {
        200: answer(refTo(GenerateResponse), 'The stored images, with durable links.', [...RATE_LIMIT_HEADERS, 'idempotent-replayed']),
        ...errors
      }
    }
  }, async (request, reply) => {
    const tenant = requireTenant(request)
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'])
    checkOperation(tenant, 'edit') // before the upload is read
    const read: ReadInputs<EditRequest> = request.isMultipart()
      ? await options.inputs.editFromForm(request)
      : await options.inputs.editFromReferences(tenant, request.body as EditByReference, request.log)
    const run = { idempotencyKey, log: request.log, checkInputs: read.checkInputs }
    if (read.request.stream === true) {
      return await answerWithEvents(reply, 'image_edit', async (onPartial) =>
        await options.generator.edit(tenant, read.request, read.inputs, { ...run, onPartial }))
    }
    const { response, replayed } = await options.generator.edit(tenant, read.request, read.inputs, run)
    if (replayed) reply.header('idempotent-replayed', 'true')
    return response
  })

  app.post('/v1/images/variations', {
    schema: {
      operationId: 'createImageVariation',
      summary: 'Make variations of an image (OpenAI images.createVariation)',
      description: VARIATION_DESCRIPTION,
      tags: ['generate'],
      ...acceptsIdempotencyKey,
      response: {
        200: answer(refTo(GenerateResponse), 'The stored images, with durable links.', [...RATE_LIMIT_HEADERS, 'idempotent-replayed']),
        ...errors
      }
    }
  }, async (request: FastifyRequest, reply) => {
    const tenant = requireTenant(request)
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'])
    checkOperation(tenant, 'variation') // before the upload is read
    const read = await options.inputs.variationFromForm(request)
    const { response, replayed } = await options.generator.variation(tenant, read.request, read.inputs, { idempotencyKey, log: request.log, checkInputs: read.checkInputs })
    if (replayed) reply.header('idempotent-replayed', 'true')
    return response
  })
}
