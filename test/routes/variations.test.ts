// POST /v1/images/variations as a raw multipart form (what any client, not only the SDK, sends):
// dall-e-2 semantics, stored outputs, b64_json answering the stored bytes, refusals naming the
// field with nothing called or stored, and the same idempotency and fallback as every operation.
import t from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { fetchBytes, manifestOf, noisyImage, receivedHashes, sha256 } from '../helpers/edit-inputs.js'
import type { Envelope } from '../helpers/envelope.js'
import { storedFiles } from '../helpers/stored-files.js'
import { gatewayWithUpstreams } from '../helpers/upstreams.js'

type Entry = [name: string, value: string | Buffer, fileName?: string]

interface Answer { id: string, data: Array<{ url: string, b64_json?: string }> }

async function postVariation (env: TestGateway, entries: Entry[], headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData()
  for (const [name, value, fileName] of entries) {
    if (typeof value === 'string') form.append(name, value)
    else form.append(name, new Blob([new Uint8Array(value)], { type: 'image/png' }), fileName ?? 'image.png')
  }
  return await fetch(`${env.url}/v1/images/variations`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, ...headers }, body: form })
}

t.test('n and size reach the provider; b64_json answers the stored bytes inline beside the durable link', async (t) => {
  const env = await startTestGateway(t)
  const input = await noisyImage({ seed: 41, width: 128, height: 128 })
  const response = await postVariation(env, [['image', input], ['n', '3'], ['size', '512x512'], ['response_format', 'b64_json']])
  t.equal(response.status, 200)
  const answer = await response.json() as Answer
  t.equal(answer.data.length, 3)
  for (const image of answer.data) {
    t.same(await fetchBytes(image.url), Buffer.from(image.b64_json as string, 'base64'), 'inline = stored')
  }
  const record = env.simulator.lastInputs.at(-1)
  t.same(receivedHashes(record), { images: [sha256(input)] })
  t.match(record?.fields, { n: '3', size: '512x512' })
  const manifest = await manifestOf(env, answer.id)
  t.match(manifest, { operation: 'variation', model: 'dall-e-2', images: [{ width: 512, height: 512 }, {}, {}] })
})

t.test('refusals name the field; the provider is not called and nothing is stored', async (t) => {
  const env = await startTestGateway(t)
  const square = await noisyImage({ seed: 42 })
  const cases: Array<{ name: string, entries: Entry[], param: string }> = [
    { name: 'a non-square PNG', entries: [['image', await noisyImage({ seed: 43, width: 96, height: 64 })]], param: 'image' },
    { name: 'a size variations do not have', entries: [['image', square], ['size', '1536x1024']], param: 'size' },
    { name: 'an edit field', entries: [['image', square], ['prompt', 'no prompts here']], param: 'prompt' },
    { name: 'no image', entries: [['n', '1']], param: 'image' }
  ]
  for (const { name, entries, param } of cases) {
    const response = await postVariation(env, entries)
    t.equal(response.status, 400, name)
    t.equal(((await response.json()) as Envelope).error.param, param, `${name} names ${param}`)
  }
  t.equal(env.simulator.stats.variationRequests, 0)
  t.same(await storedFiles(env), [])
})

t.test('an Idempotency-Key replays a variation without the provider; other bytes under the key are a 409', async (t) => {
  const env = await startTestGateway(t)
  const input = await noisyImage({ seed: 44 })
  const first = await postVariation(env, [['image', input]], { 'idempotency-key': 'variation-1' })
  const again = await postVariation(env, [['image', input]], { 'idempotency-key': 'variation-1' })
  t.equal(again.headers.get('idempotent-replayed'), 'true')
  t.equal(((await again.json()) as Answer).id, ((await first.json()) as Answer).id)
  t.equal(env.simulator.stats.variationRequests, 1)
  const other = await postVariation(env, [['image', await noisyImage({ seed: 45 })]], { 'idempotency-key': 'variation-1' })
  t.equal(other.status, 409)
  t.equal(env.simulator.stats.variationRequests, 1)
})

t.test('fallback: the primary answers 503, the backup makes the variation from the same bytes', async (t) => {
  const { env, primary, backup } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 0 })
  primary.pushFault({ kind: 'status', status: 503 })
  const input = await noisyImage({ seed: 46 })
  const response = await postVariation(env, [['image', input]])
  t.equal(response.status, 200)
  t.equal(primary.stats.variationRequests, 1)
  t.same(receivedHashes(backup.lastInputs.at(-1)), { images: [sha256(input)] })
  t.match(await manifestOf(env, ((await response.json()) as Answer).id), { operation: 'variation', upstream: { name: 'backup' } })
})
