// A client generated from openapi.yaml (openapi-typescript types + openapi-fetch) calling every
// operation of the gateway. It imports nothing from src/: if the contract changes in a way that
// breaks this code, `tsc` over this file fails (test/contract/typed-client.test.ts runs it).
import createClient from 'openapi-fetch'
import type { components, paths } from './generated/gateway-api.js'

type GenerateResponse = components['schemas']['GenerateResponse']
type ErrorEnvelope = components['schemas']['ErrorEnvelope']

export interface EveryEndpointReport {
  statuses: Record<string, number>
  generated: GenerateResponse
  generatedViaAlias: GenerateResponse
  imageBytes: number
  headLength: string | null
  listedIds: string[]
  usedRequests: number
  missingAfterDelete: ErrorEnvelope | undefined
  readiness: string
  metrics: string
  documentTitle: string
  unauthorized: ErrorEnvelope | undefined
}

export async function callEveryEndpoint (baseUrl: string, apiKey: string): Promise<EveryEndpointReport> {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } })
  const statuses: Record<string, number> = {}
  const record = <T extends { response: Response }>(operationId: string, result: T): T => {
    statuses[operationId] = result.response.status
    return result
  }

  const created = record('createImage', await client.POST('/v1/images/generations', {
    body: { prompt: 'a typed client', n: 1, size: '1024x1024', response_format: 'url' },
    params: { header: { 'Idempotency-Key': `typed-${Date.now()}` } }
  }))
  if (created.data === undefined) throw new Error(`createImage failed: ${created.error?.error.message ?? ''}`)
  const alias = record('generate', await client.POST('/generate', { body: { prompt: 'the same contract', quality: 'low' } }))
  if (alias.data === undefined) throw new Error(`generate failed: ${alias.error?.error.message ?? ''}`)

  const imageUrl = new URL(created.data.data[0]?.url ?? '')
  const [, , prefix = '', generationId = '', file = ''] = imageUrl.pathname.split('/')
  const imagePath = { prefix, generationId, file }
  const image = record('getImage', await client.GET('/images/{prefix}/{generationId}/{file}', { params: { path: imagePath }, parseAs: 'arrayBuffer' }))
  const head = record('headImage', await client.HEAD('/images/{prefix}/{generationId}/{file}', { params: { path: imagePath } }))

  record('getGeneration', await client.GET('/v1/generations/{id}', { params: { path: { id: created.data.id } } }))
  const list = record('listGenerations', await client.GET('/v1/generations', { params: { query: { limit: 10 } } }))
  const usage = record('getUsage', await client.GET('/v1/usage'))
  record('deleteGeneration', await client.DELETE('/v1/generations/{id}', { params: { path: { id: alias.data.id } } }))
  const missing = await client.GET('/v1/generations/{id}', { params: { path: { id: alias.data.id } } })

  const health = record('getHealth', await client.GET('/healthz'))
  const readiness = record('getReadiness', await client.GET('/readyz'))
  const metrics = record('getMetrics', await client.GET('/metrics', { parseAs: 'text' }))
  const document = record('getOpenapiDocument', await client.GET('/openapi.json'))
  const anonymous = await createClient<paths>({ baseUrl }).GET('/v1/usage')

  return {
    statuses,
    generated: created.data,
    generatedViaAlias: alias.data,
    imageBytes: image.data?.byteLength ?? 0,
    headLength: head.response.headers.get('content-length'),
    listedIds: list.data?.data.map((entry) => entry.id) ?? [],
    usedRequests: usage.data?.requests.used ?? -1,
    missingAfterDelete: missing.error,
    readiness: readiness.data?.status ?? (health.data?.status === 'ok' ? 'unknown' : 'down'),
    metrics: metrics.data ?? '',
    documentTitle: String((document.data as { info?: { title?: string } } | undefined)?.info?.title),
    unauthorized: anonymous.error
  }
}
