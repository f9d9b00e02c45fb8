// stream: true on images.edit through the official SDK: image_edit.partial_image events as the
// provider sends them, then image_edit.completed carrying the durable link of the stored image and
// its generation id; the provider got the caller's bytes and the manifest records an edit.
import OpenAI, { toFile } from 'openai'
import t from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { fetchBytes, manifestOf, noisyImage, receivedHashes, sha256 } from '../helpers/edit-inputs.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'

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
