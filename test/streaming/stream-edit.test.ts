// stream: true on images.edit through the official SDK: image_edit.partial_image events as the
// provider sends them, then image_edit.completed carrying the durable link of the stored image and
// its generation id; the provider got the caller's bytes and the manifest records an edit.
import OpenAI, { toFile } from 'openai'
import t from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { fetchBytes, manifestOf, noisyImage, receivedHashes, sha256 } from '../helpers/edit-inputs.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import { gatewayWithPlainUpstream, gatewayWithUpstreams } from '../helpers/upstreams.js'

const sdk = (env: TestGateway, apiKey = TEST_KEY) => new OpenAI({ baseURL: `${env.url}/v1`, apiKey, maxRetries: 0 })

t.test('images.edit with stream: true, partial_images: 2 streams two partials, then the stored image', async (t) => {
  const env = await startTestGateway(t)
  const input = await noisyImage({ seed: 21 })
  const mask = await noisyImage({ seed: 22, alpha: true })
  const stream = await sdk(env).images.edit({
    model: 'gpt-image-1',
    image: await toFile(input, 'in.png', { type: 'image/png' }),
    mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
    prompt: 'paint the left half',
    stream: true,
    partial_images: 2
  })
  const events: Array<Record<string, unknown>> = []
  for await (const event of stream) events.push(event as unknown as Record<string, unknown>)
  t.same(events.map((event) => event.type), ['image_edit.partial_image', 'image_edit.partial_image', 'image_edit.completed'])
  t.same(events.slice(0, 2).map((event) => event.partial_image_index), [0, 1])
  const completed = events[2] as Record<string, unknown>
  t.match(completed.generation_id, /^gen_[0-9a-f]{36}$/)
  t.equal(completed.url, `${env.url}/images/default/${String(completed.generation_id)}/0.png`)
  t.equal(completed.index, 0)
  const served = await fetchBytes(completed.url as string)
  t.equal(sha256(served), sha256(Buffer.from(completed.b64_json as string, 'base64')), 'the url serves the completed image')

  const record = env.simulator.lastInputs.at(-1)
  t.same(receivedHashes(record), { images: [sha256(input)], mask: sha256(mask) }, 'the provider got the bytes sent')
  t.equal(record?.fields.stream, 'true', 'the provider was asked to stream')
  t.equal(record?.fields.partial_images, '2')
  const manifest = await manifestOf(env, completed.generation_id as string)
  t.equal(manifest.operation, 'edit')
  t.same((manifest.images as Array<{ sha256: string }>).map((image) => image.sha256), [sha256(served)])
})

t.test('a tenant allowed to edit but not to stream gets a plain 403 naming stream, and the provider is not called', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: ['acme-stream-key-0123456789'], policy: { operations: ['generate', 'edit'] } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, API_KEYS: '' } })
  const error = await sdk(env, 'acme-stream-key-0123456789').images.edit({ image: await toFile(await noisyImage({ seed: 23 }), 'in.png', { type: 'image/png' }), prompt: 'x', stream: true }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.PermissionDeniedError, 'PermissionDeniedError')
  t.equal((error as InstanceType<typeof OpenAI.PermissionDeniedError>).param, 'stream')
  t.equal(env.simulator.stats.editRequests, 0)
})

t.test('a provider failure mid-edit-stream is an error event the SDK raises, and the quota goes back', async (t) => {
  const env = await startTestGateway(t, { env: { IMAGES_PER_DAY: '5' } })
  env.simulator.pushFault({ kind: 'stream-error', afterPartials: 1, status: 500, message: 'The model crashed' })
  const stream = await sdk(env).images.edit({ image: await toFile(await noisyImage({ seed: 24 }), 'in.png', { type: 'image/png' }), prompt: 'x', stream: true, partial_images: 2 })
  const types: string[] = []
  const error = await (async () => { for await (const event of stream) types.push(event.type) })().catch((caught: unknown) => caught)
  t.same(types, ['image_edit.partial_image'])
  t.ok(error instanceof OpenAI.APIError, 'the SDK raises the error event')
  const usage = await (await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { images: { day: { used: number } } }
  t.equal(usage.images.day.used, 0)
})

interface SseEvent { event: string, data: Record<string, unknown> }

async function readEvents (response: Response): Promise<SseEvent[]> {
  const text = await response.text()
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const lines = block.split('\n')
    const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? ''
    const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n')
    return { event, data: JSON.parse(data) as Record<string, unknown> }
  })
}

t.test('a streamed edit by reference (JSON) streams image_edit events and traces its source', async (t) => {
  const env = await startTestGateway(t)
  const generated = await (await env.post('/v1/images/generations', { prompt: 'a base image', size: '1024x1024' })).json() as { id: string, data: Array<{ url: string }> }
  const stored = await fetchBytes(generated.data[0]?.url as string)
  const response = await env.post('/v1/images/edits', { prompt: 'edit the stored one', images: [{ image_url: generated.data[0]?.url }], stream: true, partial_images: 1 })
  t.match(response.headers.get('content-type'), /^text\/event-stream/)
  const events = await readEvents(response)
  t.same(events.map((event) => event.event), ['image_edit.partial_image', 'image_edit.completed'])
  const completed = events[1]?.data as Record<string, unknown>
  t.same(receivedHashes(env.simulator.lastInputs.at(-1)), { images: [sha256(stored)] })
  t.match(await manifestOf(env, completed.generation_id as string), { operation: 'edit', inputs: [{ source: { generationId: generated.id, index: 0 } }] })
})

t.test('an Idempotency-Key replay of a streamed edit streams the stored result without the provider', async (t) => {
  const env = await startTestGateway(t)
  const input = await noisyImage({ seed: 25 })
  const send = async () => {
    const form = new FormData()
    form.append('image', new Blob([new Uint8Array(input)], { type: 'image/png' }), 'in.png')
    form.append('prompt', 'replay me')
    form.append('stream', 'true')
    form.append('partial_images', '2')
    return await fetch(`${env.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'idempotency-key': 'stream-edit-1' }, body: form })
  }
  const first = await readEvents(await send())
  const againResponse = await send()
  t.equal(againResponse.headers.get('idempotent-replayed'), 'true')
  const again = await readEvents(againResponse)
  t.same(again.map((event) => event.event), ['image_edit.completed'], 'the stored result only')
  const original = first.find((event) => event.event === 'image_edit.completed')
  t.equal(again[0]?.data.generation_id, original?.data.generation_id)
  t.equal(again[0]?.data.b64_json, original?.data.b64_json)
  t.equal(env.simulator.stats.editRequests, 1)
})

t.test('a streamed edit falls back before its first event: the primary answers 503, the backup streams from the same bytes', async (t) => {
  const { env, primary, backup } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 0 })
  primary.pushFault({ kind: 'status', status: 503 })
  const input = await noisyImage({ seed: 26 })
  const stream = await sdk(env).images.edit({ image: await toFile(input, 'in.png', { type: 'image/png' }), prompt: 'x', stream: true, partial_images: 1 })
  const types: string[] = []
  for await (const event of stream) types.push(event.type)
  t.same(types, ['image_edit.partial_image', 'image_edit.completed'])
  t.equal(primary.stats.editRequests, 1)
  t.same(receivedHashes(backup.lastInputs.at(-1)), { images: [sha256(input)] })
})

t.test('a streamed edit through an upstream that cannot stream: a plain provider call, then the completed event', async (t) => {
  const env = await gatewayWithPlainUpstream(t)
  const input = await noisyImage({ seed: 27 })
  const stream = await sdk(env).images.edit({ image: await toFile(input, 'in.png', { type: 'image/png' }), prompt: 'x', stream: true, partial_images: 2 })
  const events: Array<Record<string, unknown>> = []
  for await (const event of stream) events.push(event as unknown as Record<string, unknown>)
  t.same(events.map((event) => event.type), ['image_edit.completed'])
  t.same(await fetchBytes(events[0]?.url as string), Buffer.from(events[0]?.b64_json as string, 'base64'))
  const record = env.simulator.lastInputs.at(-1)
  t.same(receivedHashes(record), { images: [sha256(input)] })
  t.equal(record?.fields.stream, undefined, 'the provider got a plain call')
})
