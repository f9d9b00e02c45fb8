// POST /generate and POST /v1/images/generations: one handler, one contract (OpenAI's
// images.generate), answered with durable links. Policy and image quota are checked here, before
// the provider is called; a failed generation gives its quota back.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import type { IdempotencyStore, StoredAnswer } from '../idempotency/idempotency-store.js'
import { runIdempotent } from '../idempotency/run-idempotent.js'
import type { Tenant } from '../tenants/tenant.js'
import { generateImages, type GenerationDeps } from '../generation/generate-images.js'
import { replayGeneration, type ReplayDeps } from '../generation/replay-generation.js'
import type { ImageAdmission } from '../limits/image-admission.js'
import type { GatewayMetrics } from '../metrics/gateway-metrics.js'
import { Value } from '@sinclair/typebox/value'
import { acceptsIdempotencyKey } from '../openapi/finish-document.js'
import { answer, errorAnswers, RATE_LIMIT_HEADERS } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { generateRequestSchema, GenerateResponse, type GenerateRequest } from '../schemas/generation.js'
import { IdempotencyKey } from '../schemas/headers.js'
import { applyPolicy } from '../tenants/check-policy.js'
import { requireTenant } from './require-tenant.js'

export interface GenerateRouteOptions {
  deps: GenerationDeps
  admission: ImageAdmission
  promptMaxLength: number
  idempotency: { store: IdempotencyStore, ttlMs: number, leaseMs: number }
  /** Re-reads a stored generation, to answer a request replayed by its Idempotency-Key. */
  replay: ReplayDeps
  metrics: GatewayMetrics
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
        body,
        response: {
          200: answer(refTo(GenerateResponse), 'The stored images, with durable links.', [...RATE_LIMIT_HEADERS, 'idempotent-replayed']),
          ...errorAnswers(400, 401, 403, 404, 409, 410, 413, 415, 429, 500, 502, 503, 504)
        }
      }
    }, async (request, reply) => {
      const tenant = requireTenant(request)
      const idempotencyKey = request.headers['idempotency-key']
      if (idempotencyKey === undefined) return await generate(request, tenant)
      if (typeof idempotencyKey !== 'string' || !Value.Check(IdempotencyKey, idempotencyKey)) {
        throw new GatewayError('invalid_value', { message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.', param: 'Idempotency-Key' })
      }
      const { response, replayed } = await runIdempotent({
        store: options.idempotency.store,
        key: `${tenant.id}:${idempotencyKey}`,
        body: request.body,
        ttlMs: options.idempotency.ttlMs,
        leaseMs: options.idempotency.leaseMs,
        toStored: withoutImages,
        replay: async (stored) => await replayGeneration(options.replay, tenant, stored, request.body.response_format === 'b64_json')
      }, async () => await generate(request, tenant))
      if (replayed) reply.header('idempotent-replayed', 'true')
      return response
    })
  }

  // The record keeps the generation id, not links or megabytes of base64: a replay re-reads the
  // manifest, so it notices a deleted generation and never has to take a link apart.
  function withoutImages ({ data: _images, ...stored }: GenerateResponse): StoredAnswer {
    return stored
  }

  async function generate (request: FastifyRequest<{ Body: GenerateRequest }>, tenant: Tenant): Promise<GenerateResponse> {
    const allowed = applyPolicy(tenant, {
      model: request.body.model,
      n: request.body.n ?? 1,
      size: request.body.size,
      quality: request.body.quality
    }, options.deps.defaultModel)
    const admission = await options.admission.admit(tenant, allowed.n)
    let result
    try {
      result = await generateImages(options.deps, { tenant, request: { ...request.body, ...allowed } })
    } catch (error) {
      await admission.release()
      throw error
    }
    await admission.settle(result.manifest.images.length)
    const storedBytes = result.manifest.images.reduce((sum, image) => sum + image.bytes, 0)
    options.metrics.generationStored(tenant.id, result.manifest.model, result.manifest.images.length, storedBytes, result.spooled)
    request.log.info({
      tenantId: tenant.id,
      generationId: result.manifest.id,
      model: allowed.model,
      images: result.manifest.images.length,
      upstreamMs: result.manifest.upstream.latencyMs,
      spooled: result.spooled
    }, result.spooled ? 'generation spooled: durable storage failed, images kept locally' : 'generation stored')
    return result.response
  }
}
