// POST /v1/images/edits through a real gateway and the simulator over HTTP, beyond the SDK's own
// shapes: inputs by reference (JSON) reach the provider as exactly the stored bytes and are traced
// in the manifest; another tenant's image is a 404 and a foreign URL a 400, with no provider call;
// a body that is neither form nor JSON is a 415; quotas, idempotency and fallback apply to edits
// as they do to generations.
import OpenAI, { toFile } from 'openai'
import t, { type Test } from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { fetchBytes, imagesUsedToday, manifestOf, noisyImage, receivedHashes, sha256 } from '../helpers/edit-inputs.js'
import type { Envelope } from '../helpers/envelope.js'
import { storedFiles } from '../helpers/stored-files.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import { gatewayWithUpstreams } from '../helpers/upstreams.js'

const ACME = 'acme-edits-key-0123456789'
const GLOBEX = 'globex-edits-key-0123456789'

const sdk = (env: TestGateway, apiKey = TEST_KEY) => new OpenAI({ baseURL: `${env.url}/v1`, apiKey, maxRetries: 0 })
const png = async (bytes: Buffer) => await toFile(bytes, 'input.png', { type: 'image/png' })

interface Generated { id: string, data: Array<{ url: string }> }

/** Generation folders in the data directory. */
async function generationFolders (env: TestGateway): Promise<string[]> {
  const folders = (await storedFiles(env)).map((file) => /gen_[0-9a-f]{36}/.exec(file)?.[0]).filter((id) => id !== undefined)
  return [...new Set(folders)].sort()
}

async function twoTenants (t: Test): Promise<{ env: TestGateway, acme: Generated, globex: Generated }> {
  const tenantsFile = await writeTenantsFile(await makeDataDir(t), [{ id: 'acme', keys: [ACME] }, { id: 'globex', keys: [GLOBEX] }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, API_KEYS: '' } })
  const generate = async (key: string) => await (await env.post('/v1/images/generations', { prompt: 'a stored input', n: 2, size: '1024x1024' }, { authorization: `Bearer ${key}` })).json() as Generated
  return { env, acme: await generate(ACME), globex: await generate(GLOBEX) }
}

const editByReference = async (env: TestGateway, apiKey: string, body: object) =>
  await env.post('/v1/images/edits', { prompt: 'edit the stored one', ...body }, { authorization: `Bearer ${apiKey}` })

t.test('inputs by reference', async (t) => {
  t.test('{generation_id, index} and {image_url} reach the provider as exactly the stored bytes, traced in the manifest', async (t) => {
    const { env, acme } = await twoTenants(t)
    const [first, second] = acme.data
    const stored = await Promise.all([second, first].map(async (image) => await fetchBytes(image?.url as string)))
    const response = await editByReference(env, ACME, { images: [{ generation_id: acme.id, index: 1 }, { image_url: first?.url }] })
    t.equal(response.status, 200)
    const answer = await response.json() as Generated
    t.same(receivedHashes(env.simulator.lastInputs.at(-1)), { images: stored.map(sha256) }, 'the provider got the stored bytes, in order')
    const manifest = await manifestOf(env, answer.id, ACME)
    t.equal(manifest.operation, 'edit')
    t.match(manifest.inputs, [
      { role: 'image', index: 0, sha256: sha256(stored[0] as Buffer), bytes: stored[0]?.length, contentType: 'image/png', width: 1024, height: 1024, source: { generationId: acme.id, index: 1 } },
      { role: 'image', index: 1, sha256: sha256(stored[1] as Buffer), source: { generationId: acme.id, index: 0 } }
    ])
    t.equal((manifest.inputs as unknown[]).length, 2)
    t.equal((await fetchBytes(answer.data[0]?.url as string)).subarray(1, 4).toString('latin1'), 'PNG', 'the edit is stored behind its link')
  })

  t.test("another tenant's generation or link is a 404, and the provider is not called", async (t) => {
    const { env, globex } = await twoTenants(t)
    const before = await generationFolders(env)
    for (const reference of [{ generation_id: globex.id, index: 0 }, { image_url: globex.data[0]?.url }]) {
      const response = await editByReference(env, ACME, { images: [reference] })
      t.equal(response.status, 404)
      t.equal(((await response.json()) as Envelope).error.param, 'images[0]')
    }
    t.equal(env.simulator.stats.editRequests, 0)
    t.same(await generationFolders(env), before, 'nothing stored')
  })

  t.test('a URL that is not a durable link of this gateway is a 400 naming the field; it is never fetched', async (t) => {
    const { env, acme } = await twoTenants(t)
    const response = await editByReference(env, ACME, { images: [{ generation_id: acme.id, index: 0 }], mask: { image_url: `${env.simulator.url}/files/anything.png` } })
    t.equal(response.status, 400)
    const { error } = await response.json() as Envelope
    t.equal(error.param, 'mask.image_url')
    t.equal(env.simulator.stats.editRequests, 0)
    t.equal(env.simulator.stats.imagesServed, 0, 'the simulator served no file to the gateway')
  })
})

t.test('a text/plain body is a 415 on edits and variations, with nothing called or stored', async (t) => {
  const env = await startTestGateway(t)
  for (const route of ['/v1/images/edits', '/v1/images/variations']) {
    const response = await env.post(route, 'prompt=x', { 'content-type': 'text/plain' })
    t.equal(response.status, 415, route)
    t.match(((await response.json()) as Envelope).error, { type: 'invalid_request_error' })
  }
  t.equal(env.simulator.stats.editRequests + env.simulator.stats.variationRequests, 0)
  t.same(await storedFiles(env), [])
})

t.test('quotas: an edit with n = 2 counts 2 images; one the provider fails gives its quota back', async (t) => {
  const env = await startTestGateway(t, { env: { IMAGES_PER_DAY: '10' } })
  const input = await png(await noisyImage({ seed: 31 }))
  await sdk(env).images.edit({ image: input, prompt: 'two', n: 2 })
  t.equal(await imagesUsedToday(env), 2)
  env.simulator.pushFault({ kind: 'status', status: 500, message: 'provider broke' })
  const error = await sdk(env).images.edit({ image: await png(await noisyImage({ seed: 31 })), prompt: 'fails', n: 3 }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.APIError, 'the failure reaches the caller')
  t.equal(await imagesUsedToday(env), 2, 'the failed edit counts nothing')
  t.equal((await generationFolders(env)).length, 1)
})

t.test('quotas: an edit of more images than the tenant has left is a 429, before the provider', async (t) => {
  const env = await startTestGateway(t, { env: { IMAGES_PER_DAY: '2' } })
  await sdk(env).images.edit({ image: await png(await noisyImage({ seed: 32 })), prompt: 'two', n: 2 })
  const error = await sdk(env).images.edit({ image: await png(await noisyImage({ seed: 32 })), prompt: 'one more' }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.RateLimitError, 'RateLimitError')
  t.equal(env.simulator.stats.editRequests, 1)
})

t.test('idempotency: a replayed edit is the same generation, without the provider; other input bytes are a 409', async (t) => {
  const env = await startTestGateway(t)
  const options = { headers: { 'Idempotency-Key': 'edit-once-1' } }
  const input = await noisyImage({ seed: 33 })
  const first = await sdk(env).images.edit({ image: await png(input), prompt: 'once', n: 2 }, options)
  const again = await sdk(env).images.edit({ image: await png(input), prompt: 'once', n: 2 }, options).withResponse()
  t.equal(again.response.headers.get('idempotent-replayed'), 'true')
  t.same(again.data.data?.map((image) => image.url), first.data?.map((image) => image.url), 'the same stored images')
  t.equal(env.simulator.stats.editRequests, 1, 'the provider was called once')
  const other = await sdk(env).images.edit({ image: await png(await noisyImage({ seed: 34 })), prompt: 'once', n: 2 }, options).catch((caught: unknown) => caught)
  t.ok(other instanceof OpenAI.ConflictError, 'the same key over other input bytes is a ConflictError')
  t.equal(env.simulator.stats.editRequests, 1)
})

t.test('fallback: the primary answers 503, the backup edits with the same input bytes', async (t) => {
  const { env, primary, backup } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 0 })
  primary.pushFault({ kind: 'status', status: 503 })
  const input = await noisyImage({ seed: 35 })
  const mask = await noisyImage({ seed: 36, alpha: true })
  const result = await sdk(env).images.edit({ image: await png(input), mask: await toFile(mask, 'mask.png', { type: 'image/png' }), prompt: 'fall back' })
  t.equal(primary.stats.editRequests, 1)
  t.equal(backup.stats.editRequests, 1)
  t.same(receivedHashes(backup.lastInputs.at(-1)), { images: [sha256(input)], mask: sha256(mask) }, 'the backup got the same bytes: inputs are re-sent, not consumed')
  const generationId = /\/(gen_[0-9a-f]{36})\//.exec(result.data?.[0]?.url as string)?.[1] as string
  t.match(await manifestOf(env, generationId), { operation: 'edit', upstream: { name: 'backup' } })
})

t.test("an edit chain: an edit's output edited again by reference names the first edit as its source", async (t) => {
  const env = await startTestGateway(t)
  const input = await noisyImage({ seed: 37 })
  const firstEdit = await sdk(env).images.edit({ image: await png(input), prompt: 'step one' })
  const firstUrl = firstEdit.data?.[0]?.url as string
  const firstId = /\/(gen_[0-9a-f]{36})\//.exec(firstUrl)?.[1] as string
  const response = await env.post('/v1/images/edits', { prompt: 'step two', images: [{ image_url: firstUrl }] })
  t.equal(response.status, 200)
  const second = await response.json() as Generated
  t.same(receivedHashes(env.simulator.lastInputs.at(-1)), { images: [sha256(await fetchBytes(firstUrl))] })
  const chain = await manifestOf(env, second.id)
  t.match(chain, { operation: 'edit', inputs: [{ source: { generationId: firstId, index: 0 } }] })
  const origin = await manifestOf(env, firstId)
  t.match(origin, { inputs: [{ sha256: sha256(input) }] }, 'and the first edit names the bytes it was given')
})

t.test('deleting an edit removes its stored inputs with its images', async (t) => {
  const env = await startTestGateway(t)
  const result = await sdk(env).images.edit({ image: await png(await noisyImage({ seed: 38 })), mask: await toFile(await noisyImage({ seed: 39, alpha: true }), 'mask.png', { type: 'image/png' }), prompt: 'x' })
  const generationId = /\/(gen_[0-9a-f]{36})\//.exec(result.data?.[0]?.url as string)?.[1] as string
  t.equal((await storedFiles(env)).filter((file) => file.includes(generationId)).length, 4, 'image, input, mask, manifest')
  const deleted = await fetch(`${env.url}/v1/generations/${generationId}`, { method: 'DELETE', headers: { authorization: `Bearer ${TEST_KEY}` } })
  t.equal(deleted.status, 200)
  t.same((await storedFiles(env)).filter((file) => file.includes(generationId)), [])
})
