// POST /generate and POST /v1/images/generations: one handler, one contract (OpenAI's
// images.generate), answered with durable links. Policy and image quota are checked here, before
// the provider is called; a failed generation gives its quota back.
import type { FastifyInstance } from 'fastify'
import { generateImages, type GenerationDeps } from '../generation/generate-images.js'
import type { ImageAdmission } from '../limits/image-admission.js'
import { ErrorEnvelope } from '../schemas/common.js'
import { generateRequestSchema, GenerateResponse, type GenerateRequest } from '../schemas/generation.js'
import { applyPolicy } from '../tenants/check-policy.js'
import { requireTenant } from './require-tenant.js'

export interface GenerateRouteOptions {
  deps: GenerationDeps
  admission: ImageAdmission
  promptMaxLength: number
}

export async function generateRoutes (app: FastifyInstance, options: GenerateRouteOptions): Promise<void> {
  const body = generateRequestSchema(options.promptMaxLength)
  for (const url of ['/generate', '/v1/images/generations']) {
    app.post<{ Body: GenerateRequest }>(url, {
      schema: {
        body,
        response: { 200: GenerateResponse, '4xx': ErrorEnvelope, '5xx': ErrorEnvelope }
      }
    }, async (request) => {
      const tenant = requireTenant(request)
      const allowed = applyPolicy(tenant, {
        model: request.body.model ?? options.deps.defaultModel,
        n: request.body.n ?? 1,
        size: request.body.size,
        quality: request.body.quality
      })
      const admission = await options.admission.admit(tenant, allowed.n)
      let result
      try {
        result = await generateImages(options.deps, { tenant, request: { ...request.body, ...allowed } })
      } catch (error) {
        await admission.release()
        throw error
      }
      await admission.settle(result.manifest.images.length)
      request.log.info({
        tenantId: tenant.id,
        generationId: result.manifest.id,
        model: allowed.model,
        images: result.manifest.images.length,
        upstreamMs: result.manifest.upstream.latencyMs
      }, 'generation stored')
      return result.response
    })
  }
}
