// POST /v1/images/edits (OpenAI's images.edit) and POST /v1/images/variations
// (images.createVariation): input images in, as a multipart upload the way the SDKs send it, or, for
// edits, as JSON naming images this gateway stored; stored images with durable links out, or a
// stream of events (`stream: true` on an edit). The route translates HTTP; the inputs module reads
// the images and the use case does the rest (generation/image-generator.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ImageGenerator } from '../generation/image-generator.js'
import type { ImageInputs, ReadInputs } from '../inputs/image-inputs.js'
import { streamsEvents } from '../openapi/event-stream-body.js'
import { acceptsIdempotencyKey } from '../openapi/finish-document.js'
import { multipartForm, type MultipartFormSpec } from '../openapi/multipart-body.js'
import { answer, errorAnswers, RATE_LIMIT_HEADERS } from '../openapi/route-responses.js'
import multipart from '../plugins/multipart.js'
import { refTo } from '../schemas/common.js'
import { editByReferenceSchema, editRequestSchema, MAX_EDIT_IMAGES, variationRequestSchema, type EditByReference, type EditRequest } from '../schemas/edit.js'
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

const INPUT_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const
const UPLOAD_LIMITS_TEXT = 'Text fields are form values, read as the types shown (n: "2" is 2). Limits: UPLOAD_MAX_FILES images, UPLOAD_FILE_MAX_BYTES per file, UPLOAD_TOTAL_MAX_BYTES for all files, UPLOAD_FIELD_MAX_BYTES per text field; past one the answer is a 413 naming the field. Files are checked by their bytes, not their declared type (`encoding` lists the types taken): any other file is a 400 naming the field.'

// The multipart forms as the document shows them, from the schemas the form reader checks.
function editForm (promptMaxLength: number): MultipartFormSpec {
  return {
    name: 'EditForm',
    description: `images.edit as the OpenAI SDKs send it: \`image\` (one file) or \`image[]\` (several), an optional \`mask\`, and the text fields. ${UPLOAD_LIMITS_TEXT}`,
    fields: editRequestSchema(promptMaxLength),
    files: {
      image: { description: 'The input image: PNG, JPEG or WebP.', contentTypes: INPUT_TYPES },
      'image[]': { description: `The input images, in order (PNG, JPEG or WebP; up to ${MAX_EDIT_IMAGES} for GPT image models, one square PNG for dall-e-2). The first is the one a mask applies to.`, contentTypes: INPUT_TYPES, maxFiles: MAX_EDIT_IMAGES },
      mask: { description: 'A PNG with an alpha channel, the size of the first image: its fully transparent pixels mark where to edit.', contentTypes: ['image/png'] }
    },
    requiredFiles: ['image', 'image[]']
  }
}

const VARIATION_FORM: MultipartFormSpec = {
  name: 'VariationForm',
  description: `images.createVariation as the OpenAI SDKs send it: one \`image\` file and the text fields (dall-e-2). ${UPLOAD_LIMITS_TEXT}`,
  fields: variationRequestSchema(),
  files: { image: { description: 'The image to vary: a square PNG under 4 MB.', contentTypes: ['image/png'] } },
  requiredFiles: ['image']
}

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
      ...streamsEvents('image_edit'),
      // Only the JSON form is validated by schema; the multipart form is read and checked as it
      // streams, and only the document shows it.
      ...multipartForm(editForm(options.promptMaxLength)),
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
    // The inputs are held in memory from the first byte read until the provider call ends.
    return await options.inputs.holding(tenant, async () => {
      const read: ReadInputs<EditRequest> = request.isMultipart()
        ? await options.inputs.editFromForm(request)
        : await options.inputs.editFromReferences(tenant, request.body as EditByReference, request.log)
      const run = { idempotencyKey, log: request.log, checkInputs: read.checkInputs }
      if (read.request.stream === true) {
        return await answerWithEvents(reply, 'image_edit', { maxPartials: (read.request.partial_images ?? 0) * (read.request.n ?? 1) }, async (onPartial) =>
          await options.generator.edit(tenant, read.request, read.inputs, { ...run, onPartial }))
      }
      const { response, replayed } = await options.generator.edit(tenant, read.request, read.inputs, run)
      if (replayed) reply.header('idempotent-replayed', 'true')
      return response
    })
  })

  app.post('/v1/images/variations', {
    schema: {
      operationId: 'createImageVariation',
      summary: 'Make variations of an image (OpenAI images.createVariation)',
      description: VARIATION_DESCRIPTION,
      tags: ['generate'],
      ...acceptsIdempotencyKey,
      ...multipartForm(VARIATION_FORM),
      response: {
        200: answer(refTo(GenerateResponse), 'The stored images, with durable links.', [...RATE_LIMIT_HEADERS, 'idempotent-replayed']),
        ...errors
      }
    }
  }, async (request: FastifyRequest, reply) => {
    const tenant = requireTenant(request)
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'])
    checkOperation(tenant, 'variation') // before the upload is read
    return await options.inputs.holding(tenant, async () => {
      const read = await options.inputs.variationFromForm(request)
      const { response, replayed } = await options.generator.variation(tenant, read.request, read.inputs, { idempotencyKey, log: request.log, checkInputs: read.checkInputs })
      if (replayed) reply.header('idempotent-replayed', 'true')
      return response
    })
  })
}
