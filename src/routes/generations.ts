// The tenant's generation records: GET /v1/generations/{id}, GET /v1/generations, DELETE
// /v1/generations/{id}. Another tenant's id answers 404, exactly like an id that never existed.
import type { FastifyInstance } from 'fastify'
import type { Static } from '@sinclair/typebox'
import type { GenerationRecords } from '../generation/generation-records.js'
import { ErrorEnvelope } from '../schemas/common.js'
import { Manifest } from '../schemas/generation.js'
import { GenerationDeleted, GenerationIdParams, GenerationList, ListGenerationsQuery } from '../schemas/records.js'
import { requireTenant } from './require-tenant.js'

const errors = { '4xx': ErrorEnvelope, '5xx': ErrorEnvelope }

export async function generationRoutes (app: FastifyInstance, options: { records: GenerationRecords }): Promise<void> {
  const { records } = options

  app.get<{ Params: Static<typeof GenerationIdParams> }>('/v1/generations/:id', {
    schema: { params: GenerationIdParams, response: { 200: Manifest, ...errors } }
  }, async (request) => records.get(requireTenant(request), request.params.id))

  app.get<{ Querystring: Static<typeof ListGenerationsQuery> }>('/v1/generations', {
    schema: { querystring: ListGenerationsQuery, response: { 200: GenerationList, ...errors } }
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
    schema: { params: GenerationIdParams, response: { 200: GenerationDeleted, ...errors } }
  }, async (request) => {
    await records.delete(requireTenant(request), request.params.id)
    return { id: request.params.id, object: 'generation.deleted' as const, deleted: true as const }
  })
}
