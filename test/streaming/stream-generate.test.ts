// stream: true on images.generate, through the official SDK and raw HTTP: partial images pass through
// as the provider sends them, the final image is stored before its completed event, which carries
// the durable link and the generation id; failures before the first event are plain HTTP errors,
// after it an error event; a client that leaves does not lose the image.
import { createHash } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import OpenAI from 'openai'
import t from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import { gatewayWithPlainUpstream, gatewayWithUpstreams } from '../helpers/upstreams.js'
import { waitFor } from '../helpers/wait-for.js'

const sdk = (env: TestGateway, apiKey = TEST_KEY) => new OpenAI({ baseURL: `${env.url}/v1`, apiKey, maxRetries: 0 })

interface SseEvent { event: string, data: Record<string, unknown> }

/** Reads a whole event stream answer into its events (the framing is checked, not assumed). */
function parseEvents (text: string): SseEvent[] {
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const lines = block.split('\n')
    const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? ''
    const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n')
    return { event, data: JSON.parse(data) as Record<string, unknown> }
  })
}

async function streamRaw (env: TestGateway, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await env.post('/v1/images/generations', { stream: true, ...body }, headers)
  const text = await response.text()
  return { response, text, events: response.headers.get('content-type')?.startsWith('text/event-stream') === true ? parseEvents(text) : [] }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

t.test('the SDK iterates partial and completed events; the completed image is stored behind its durable url', async (t) => {
  const env = await startTestGateway(t)
  const stream = await sdk(env).images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse', stream: true, partial_images: 2, size: '1024x1024' })
  const events: Array<Record<string, unknown>> = []
  for await (const event of stream) events.push(event as unknown as Record<string, unknown>)
  t.same(events.map((event) => event.type), ['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed'])
  t.same(events.slice(0, 2).map((event) => event.partial_image_index), [0, 1])
  const completed = events[2] as Record<string, unknown>
  t.match(completed.url, new RegExp(`^${env.url}/images/default/gen_[0-9a-f]{36}/0\\.png$`))
  t.match(completed.generation_id, /^gen_[0-9a-f]{36}$/)
  t.equal(completed.index, 0)
  t.equal(completed.size, '1024x1024')
  t.ok(completed.usage, 'usage, as OpenAI sends it')
  const inline = Buffer.from(completed.b64_json as string, 'base64')
  const stored = Buffer.from(await (await fetch(completed.url as string)).arrayBuffer())
  t.equal(sha256(stored), sha256(inline), 'the durable link serves the completed image')
  const record = await fetch(`${env.url}/v1/generations/${String(completed.generation_id)}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
  t.equal(record.status, 200, 'the records API knows the streamed generation')
})

t.test('an event stream answers with the SSE headers and OpenAI framing', async (t) => {
  const env = await startTestGateway(t)
  const { response, events } = await streamRaw(env, { prompt: 'framing', partial_images: 1, n: 2 })
  t.equal(response.status, 200)
  t.match(response.headers.get('content-type'), /^text\/event-stream/)
  t.equal(response.headers.get('cache-control'), 'no-cache')
  t.equal(response.headers.get('x-accel-buffering'), 'no')
  const completed = events.filter((event) => event.event === 'image_generation.completed')
  t.equal(completed.length, 2, 'one completed event per image')
  t.same(completed.map((event) => event.data.index), [0, 1])
  t.equal(new Set(completed.map((event) => event.data.generation_id)).size, 1, 'one generation')
  for (const event of events) t.equal(event.data.type, event.event, 'the data type names the event')
})

t.test('partial images are forwarded as they arrive, before the provider has finished', async (t) => {
  const env = await startTestGateway(t, { simulator: { streamGapMs: 1500 } })
  const response = await env.post('/v1/images/generations', { prompt: 'slow', stream: true, partial_images: 2 })
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const first = await reader.read()
  t.match(Buffer.from(first.value ?? new Uint8Array()).toString('utf8'), /^event: image_generation\.partial_image\n/, 'the first partial came through')
  t.equal(env.simulator.stats.generationRequests, 1)
  // The provider is still in its gaps: no completed event could have been sent yet.
  t.notOk(Buffer.from(first.value ?? new Uint8Array()).toString('utf8').includes('completed'))
  await reader.cancel()
})

t.test('a tenant without the stream operation is refused with a plain 403 before any event', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: ['acme-key-0123456789abcdef'], policy: { operations: ['generate'] } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, API_KEYS: '' } })
  const error = await sdk(env, 'acme-key-0123456789abcdef').images.generate({ prompt: 'x', stream: true }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.PermissionDeniedError, 'PermissionDeniedError')
  t.equal((error as InstanceType<typeof OpenAI.PermissionDeniedError>).param, 'stream')
  t.equal(env.simulator.stats.generationRequests, 0)
  const plain = await sdk(env, 'acme-key-0123456789abcdef').images.generate({ prompt: 'x' })
  t.equal(plain.data?.length, 1, 'the same tenant may still generate without streaming')
})

t.test('a provider failure mid-stream is an error event in the OpenAI envelope, and the quota goes back', async (t) => {
  const env = await startTestGateway(t, { env: { IMAGES_PER_DAY: '5' } })
  env.simulator.pushFault({ kind: 'stream-error', afterPartials: 1, status: 500, message: 'The model crashed' })
  const stream = await sdk(env).images.generate({ prompt: 'x', stream: true, partial_images: 2 })
  const types: string[] = []
  const error = await (async () => { for await (const event of stream) types.push(event.type) })().catch((caught: unknown) => caught)
  t.same(types, ['image_generation.partial_image'], 'the partial before the failure came through')
  t.ok(error instanceof OpenAI.APIError, 'the SDK raises the error event')
  t.match((error as Error).message, /provider|upstream|crashed/i)
  const usage = await (await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { images: { day: { used: number } } }
  t.equal(usage.images.day.used, 0, 'nothing stored, nothing counted')
})

t.test('a client that disconnects mid-stream does not cancel the generation: it is stored and listed', async (t) => {
  const env = await startTestGateway(t, { simulator: { streamGapMs: 300 } })
  const url = new URL('/v1/images/generations', env.url)
  await new Promise<void>((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' } }, (response) => {
      response.once('data', () => { request.destroy(); resolve() })
    })
    request.on('error', () => {})
    request.once('error', reject)
    request.end(JSON.stringify({ prompt: 'left early', stream: true, partial_images: 3 }))
  })
  const list = await waitFor(async () => {
    const page = await (await fetch(`${env.url}/v1/generations`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { data: unknown[] }
    return page.data.length === 1 ? page : undefined
  }, 'the generation to be stored', 10_000)
  t.equal(list.data.length, 1)
})

t.test('an Idempotency-Key replay of a streamed request streams the stored result', async (t) => {
  const env = await startTestGateway(t)
  const first = await streamRaw(env, { prompt: 'replay me', partial_images: 2 }, { 'idempotency-key': 'stream-1' })
  const again = await streamRaw(env, { prompt: 'replay me', partial_images: 2 }, { 'idempotency-key': 'stream-1' })
  t.equal(again.response.headers.get('idempotent-replayed'), 'true')
  t.same(again.events.map((event) => event.event), ['image_generation.completed'], 'a replay has no partials: only the stored result')
  const original = first.events.find((event) => event.event === 'image_generation.completed')
  t.equal(again.events[0]?.data.generation_id, original?.data.generation_id)
  t.equal(again.events[0]?.data.b64_json, original?.data.b64_json)
  t.equal(env.simulator.stats.generationRequests, 1)
})

t.test('fallback happens before the first event, never after', async (t) => {
  t.test('the primary fails before streaming: the backup streams', async (t) => {
    const { env, primary, backup } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 0 })
    primary.pushFault({ kind: 'status', status: 503 })
    const { events } = await streamRaw(env, { prompt: 'x', partial_images: 1 })
    t.same(events.map((event) => event.event), ['image_generation.partial_image', 'image_generation.completed'])
    t.equal(backup.stats.generationRequests, 1)
  })
  t.test('the primary fails after a partial: an error event, and the backup is not called', async (t) => {
    const { env, primary, backup } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 0 })
    primary.pushFault({ kind: 'stream-error', afterPartials: 1, status: 500 })
    const { response, events } = await streamRaw(env, { prompt: 'x', partial_images: 2 })
    t.equal(response.status, 200, 'the stream had started')
    t.same(events.map((event) => event.event), ['image_generation.partial_image', 'error'])
    const error = events[1]?.data.error as Record<string, unknown>
    t.type(error.message, 'string')
    t.type(error.type, 'string')
    t.ok('param' in error && 'code' in error, 'the OpenAI envelope')
    t.equal(backup.stats.generationRequests, 0, 'no fallback once the caller has seen a partial')
  })
})

t.test('an upstream that cannot stream (stream: false) still serves stream: true with completed events only', async (t) => {
  const env = await gatewayWithPlainUpstream(t)
  const { response, events } = await streamRaw(env, { prompt: 'x', partial_images: 2 })
  t.equal(response.status, 200)
  t.same(events.map((event) => event.event), ['image_generation.completed'])
  t.match(events[0]?.data.url, /\/images\/default\/gen_/)
  t.notOk((env.simulator.lastRequestBodies.at(-1) as Record<string, unknown>).stream, 'the provider got a plain call')
})
