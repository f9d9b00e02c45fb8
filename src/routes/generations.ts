// The tenant's generation records: GET /v1/generations/{id}, GET /v1/generations, DELETE
// /v1/generations/{id}. Another tenant's id answers 404, exactly like an id that never existed.
import type { FastifyInstance } from 'fastify'
import type { Static } from '@sinclair/typebox'
import type { GenerationRecords } from '../generation/generation-records.js'
import { answer, errorAnswers, RATE_LIMIT_HEADERS } from '../openapi/route-responses.js'
import { refTo } from '../schemas/common.js'
import { Manifest } from '../schemas/generation.js'
import { GenerationDeleted, GenerationIdParams, GenerationList, ListGenerationsQuery } from '../schemas/records.js'
import { requireTenant } from './require-tenant.js'

const tags = ['generations']

export async function generationRoutes (app: FastifyInstance, options: { records: GenerationRecords }): Promise<void> {
  const { records } = options

  app.get<{ Params: Static<typeof GenerationIdParams> }>('/v1/generations/:id', {
    schema: {
      operationId: 'getGeneration',
      summary: "A generation's manifest",
      description: 'The request, model, upstream latency and usage, and per image its durable url, bytes, sha256, content type and dimensions.',
      tags,
      params: GenerationIdParams,
      response: {
        200: answer(refTo(Manifest), 'The manifest.', RATE_LIMIT_HEADERS),
        ...errorAnswers(400, 401, 404, 429, 500, 503)
      }
    }
  }, async (request) => records.get(requireTenant(request), request.params.id))

  app.get<{ Querystring: Static<typeof ListGenerationsQuery> }>('/v1/generations', {
    schema: {
      operationId: 'listGenerations',
      summary: "The tenant's generations, newest first",
      description: "A page of manifests; pass the page's last_id as `after` for the next one.",
      tags,
      querystring: ListGenerationsQuery,
      response: {
        200: answer(refTo(GenerationList), 'A page of manifests.', RATE_LIMIT_HEADERS),
        ...errorAnswers(400, 401, 429, 500, 503)
      }
    }
  }, async (request) => {
    const page = await records.list(requireTenant(request), request.query.limit ?? 20, request.query.after)
    return {
      object: 'list' as const,
      data: page.manifests,
      first_id: page.manifests[0]?.id ?? null,
      last_id: page.manifests.at(-1)?.id ?? null,
      has_more: page.hasMore
    }
  })

  app.delete<{ Params: Static<typeof GenerationIdParams> }>('/v1/generations/:id', {
    schema: {
      operationId: 'deleteGeneration',
      summary: 'Delete a generation',
      description: 'Removes the manifest, then the images: their durable links answer 404 from then on.',
      tags,
      params: GenerationIdParams,
      response: {
        200: answer(refTo(GenerationDeleted), 'Deleted.', RATE_LIMIT_HEADERS),
        ...errorAnswers(400, 401, 404, 429, 500, 503)
      }
    }
  }, async (request) => {
    await records.delete(requireTenant(request), request.params.id)
    return { id: request.params.id, object: 'generation.deleted' as const, deleted: true as const }
  })
}
