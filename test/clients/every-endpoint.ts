// A client generated from openapi.yaml (openapi-typescript types + openapi-fetch) calling every
// operation of the gateway. It imports nothing from src/: if the contract changes in a way that
// breaks this code, `tsc` over this file fails (test/contract/typed-client.test.ts runs it).
import createClient from 'openapi-fetch'
import type { components, paths } from './generated/gateway-api.js'

type GenerateResponse = components['schemas']['GenerateResponse']
type ErrorEnvelope = components['schemas']['ErrorEnvelope']
type EditForm = components['schemas']['EditForm']
type VariationForm = components['schemas']['VariationForm']
type GenerationEvent = components['schemas']['ImageGenerationStreamEvent']

/** An answer that can also be a stream of events: the JSON one, or a thrown error naming the operation. */
function jsonAnswer<E extends { error: { message: string } }> (operationId: string, result: { data?: GenerateResponse | { type: string }, error?: E }): GenerateResponse {
  if (result.data === undefined || 'type' in result.data) throw new Error(`${operationId} failed: ${result.error?.error.message ?? 'no JSON answer'}`)
  return result.data
}

/** A form's fields as multipart/form-data: files (Blob) as file parts, the rest as text. */
function formData (fields: object): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields) as Array<[string, unknown]>) {
    const values = Array.isArray(value) ? value : [value]
    for (const [index, item] of values.entries()) {
      if (item instanceof Blob) form.append(name, item, `${name.replace('[]', '')}-${index}.png`)
      else if (item !== undefined) form.append(name, String(item))
    }
  }
  return form
}

/** The events of a text/event-stream answer: `event:` and `data:` lines, a blank line between events. */
async function readEvents (stream: ReadableStream<Uint8Array> | null | undefined): Promise<GenerationEvent[]> {
  if (stream === null || stream === undefined) return []
  const text = await new Response(stream).text()
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n')
    return JSON.parse(data) as GenerationEvent
  })
}

export interface EveryEndpointReport {
  statuses: Record<string, number>
  generated: GenerateResponse
  generatedViaAlias: GenerateResponse
  imageBytes: number
  headLength: string | null
  listedIds: string[]
  usedRequests: number
  edited: GenerateResponse
  editedByUpload: GenerateResponse
  varied: GenerateResponse
  /** The event types of the streamed generation, in order. */
  streamedTypes: string[]
  /** The streamed generation's completed event: its durable link and generation. */
  streamedCompleted: { url: string, generationId: string, index: number } | undefined
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
  const generated = jsonAnswer('createImage', created)
  const alias = jsonAnswer('generate', record('generate', await client.POST('/generate', { body: { prompt: 'the same contract', quality: 'low' } })))

  const imageUrl = new URL(generated.data[0]?.url ?? '')
  const [, , prefix = '', generationId = '', file = ''] = imageUrl.pathname.split('/')
  const imagePath = { prefix, generationId, file }
  const image = record('getImage', await client.GET('/images/{prefix}/{generationId}/{file}', { params: { path: imagePath }, parseAs: 'arrayBuffer' }))
  const head = record('headImage', await client.HEAD('/images/{prefix}/{generationId}/{file}', { params: { path: imagePath } }))

  record('getGeneration', await client.GET('/v1/generations/{id}', { params: { path: { id: generated.id } } }))
  const list = record('listGenerations', await client.GET('/v1/generations', { params: { query: { limit: 10 } } }))
  const usage = record('getUsage', await client.GET('/v1/usage'))

  // An edit of the stored image by reference (JSON), and the same image uploaded (multipart).
  const edited = jsonAnswer('createImageEdit', record('createImageEdit', await client.POST('/v1/images/edits', {
    body: { prompt: 'the same, by reference', images: [{ generation_id: generated.id, index: 0 }], input_fidelity: 'high' }
  })))
  const png = new Blob([image.data ?? new ArrayBuffer(0)], { type: 'image/png' })
  const uploadedEdit: EditForm = { prompt: 'the same, uploaded', image: png, n: 1, response_format: 'url' }
  const editedByUpload = jsonAnswer('createImageEdit', await client.POST('/v1/images/edits', { body: uploadedEdit, bodySerializer: formData }))
  const variation: VariationForm = { image: png, model: 'dall-e-2', size: '256x256' }
  const varied = jsonAnswer('createImageVariation', record('createImageVariation', await client.POST('/v1/images/variations', { body: variation, bodySerializer: formData })))

  // A streamed generation: its events typed by the document's event schemas.
  const streamed = await client.POST('/v1/images/generations', { body: { prompt: 'a typed stream', stream: true, partial_images: 1 }, parseAs: 'stream' })
  const events = await readEvents(streamed.data)
  const completed = events.find((event) => event.type === 'image_generation.completed')

  record('deleteGeneration', await client.DELETE('/v1/generations/{id}', { params: { path: { id: alias.id } } }))
  const missing = await client.GET('/v1/generations/{id}', { params: { path: { id: alias.id } } })

  const health = record('getHealth', await client.GET('/healthz'))
  const readiness = record('getReadiness', await client.GET('/readyz'))
  const metrics = record('getMetrics', await client.GET('/metrics', { parseAs: 'text' }))
  const document = record('getOpenapiDocument', await client.GET('/openapi.json'))
  const anonymous = await createClient<paths>({ baseUrl }).GET('/v1/usage')

  return {
    statuses,
    generated,
    generatedViaAlias: alias,
    imageBytes: image.data?.byteLength ?? 0,
    headLength: head.response.headers.get('content-length'),
    listedIds: list.data?.data.map((entry) => entry.id) ?? [],
    usedRequests: usage.data?.requests.used ?? -1,
    edited,
    editedByUpload,
    varied,
    streamedTypes: events.map((event) => event.type),
    streamedCompleted: completed?.type === 'image_generation.completed' ? { url: completed.url, generationId: completed.generation_id, index: completed.index } : undefined,
    missingAfterDelete: missing.error,
    readiness: readiness.data?.status ?? (health.data?.status === 'ok' ? 'unknown' : 'down'),
    metrics: metrics.data ?? '',
    documentTitle: String((document.data as { info?: { title?: string } } | undefined)?.info?.title),
    unauthorized: anonymous.error
  }
}
