// POST /generate and POST /v1/images/generations: one handler, one contract (OpenAI's
// images.generate), answered with durable links.
import type { FastifyInstance } from 'fastify'
import type { onRequestAsyncHookHandler } from 'fastify'
import { generateImages, type GenerationDeps } from '../generation/generate-images.js'
import { ErrorEnvelope } from '../schemas/common.js'
import { generateRequestSchema, GenerateResponse, type GenerateRequest } from '../schemas/generation.js'

export interface GenerateRouteOptions {
  deps: GenerationDeps
  authenticate: onRequestAsyncHookHandler
  promptMaxLength: number
}

export async function generateRoutes (app: FastifyInstance, options: GenerateRouteOptions): Promise<void> {
  const body = generateRequestSchema(options.promptMaxLength)
  for (const url of ['/generate', '/v1/images/generations']) {
    app.post<{ Body: GenerateRequest }>(url, {
      onRequest: options.authenticate,
      schema: {
        body,
        response: { 200: GenerateResponse, '4xx': ErrorEnvelope, '5xx': ErrorEnvelope }
      }
    }, async (request) => {
      const tenant = request.tenant
      if (tenant === null) throw new Error('authenticate hook did not run')
      const { response, manifest } = await generateImages(options.deps, { tenant, request: request.body })
      request.log.info({
        tenantId: tenant.id,
        generationId: manifest.id,
        model: manifest.model,
        images: manifest.images.length,
        upstreamMs: manifest.upstream.latencyMs
      }, 'generation stored')
      return response
    })
  }
}
