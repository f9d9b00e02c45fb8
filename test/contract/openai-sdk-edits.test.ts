// The official openai SDK's images.edit and images.createVariation, unchanged, against a running
// gateway in front of the simulator over HTTP: the provider gets exactly the bytes the caller sent,
// every output is stored behind a durable link, the manifest records the operation and its inputs,
// and each refusal is the SDK error a caller of OpenAI would catch, with nothing called or stored.
import OpenAI, { toFile } from 'openai'
import t from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { fetchBytes, manifestOf, noisyImage, receivedHashes, sha256, storedBytes } from '../helpers/edit-inputs.js'
import { storedFiles } from '../helpers/stored-files.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'

const sdk = (env: TestGateway, apiKey = TEST_KEY) => new OpenAI({ baseURL: `${env.url}/v1`, apiKey, maxRetries: 0 })
const png = async (bytes: Buffer, name = 'input.png') => await toFile(bytes, name, { type: 'image/png' })

interface ManifestInputFacts { role: string, index: number, sha256: string, bytes: number, contentType: string, width: number, height: number, key?: string }

/** Catches what an SDK call throws (the refusals below all throw). */
async function refusal (call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const caught = await call.then(() => undefined, (error: unknown) => error)
  if (!(caught instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(caught)}`)
  return caught
}

const nothingCalled = (env: TestGateway) => env.simulator.stats.editRequests + env.simulator.stats.variationRequests + env.simulator.stats.generationRequests

t.test('images.edit with one toFile input answers a stored image behind its durable link', async (t) => {
  const env = await startTestGateway(t)
  const input = await noisyImage({ seed: 1 })
  const result = await sdk(env).images.edit({ model: 'gpt-image-1', image: await png(input), prompt: 'add a hat' })
  t.equal(result.data?.length, 1)
  const url = result.data?.[0]?.url as string
  t.match(url, new RegExp(`^${env.url}/images/default/gen_[0-9a-f]{36}/0\\.png$`), 'a gateway link, not the provider\'s')
  t.same((await fetchBytes(url)).subarray(1, 4).toString('latin1'), 'PNG')
  t.same(receivedHashes(env.simulator.lastInputs.at(-1)), { images: [sha256(input)] }, 'the provider got the bytes the caller sent')
  t.equal(env.simulator.lastInputs.at(-1)?.fields.prompt, 'add a hat')
})

t.test('images.edit with several inputs, a mask, input_fidelity high and n = 2: stored, recorded and traceable', async (t) => {
  const env = await startTestGateway(t)
  const inputs = [await noisyImage({ seed: 2, width: 96, height: 64 }), await noisyImage({ seed: 3, width: 64, height: 64, format: 'jpeg' }), await noisyImage({ seed: 4, width: 80, height: 80 })]
  const mask = await noisyImage({ seed: 5, width: 96, height: 64, alpha: true })
  const result = await sdk(env).images.edit({
    model: 'gpt-image-1',
    image: [await png(inputs[0] as Buffer, 'a.png'), await toFile(inputs[1] as Buffer, 'b.jpg', { type: 'image/jpeg' }), await png(inputs[2] as Buffer, 'c.png')],
    mask: await png(mask, 'mask.png'),
    prompt: 'put them together',
    input_fidelity: 'high',
    n: 2
  })
  t.equal(result.data?.length, 2)
  const record = env.simulator.lastInputs.at(-1)
  t.same(receivedHashes(record), { images: inputs.map(sha256), mask: sha256(mask) }, 'the provider got every input, in order, and the mask')
  t.same([...record?.images ?? [], record?.mask].map((file) => [file?.fileName, file?.contentType]), [
    ['image-0.png', 'image/png'], ['image-1.jpg', 'image/jpeg'], ['image-2.png', 'image/png'], ['mask.png', 'image/png']
  ], "the provider gets the gateway's file names, never the caller's")
  t.equal(record?.fields.input_fidelity, 'high')
  t.equal(record?.fields.response_format, undefined, 'GPT image models are not sent response_format')
  t.equal(record?.fields.n, '2')

  const urls = result.data?.map((image) => image.url as string) ?? []
  const outputs = await Promise.all(urls.map(fetchBytes))
  t.not(sha256(outputs[0] as Buffer), sha256(outputs[1] as Buffer), 'two different outputs')
  const generationId = /\/(gen_[0-9a-f]{36})\//.exec(urls[0] as string)?.[1] as string
  const manifest = await manifestOf(env, generationId)
  t.equal(manifest.operation, 'edit')
  const images = manifest.images as Array<{ sha256: string, key: string }>
  t.same(images.map((image) => image.sha256), outputs.map(sha256), 'the manifest describes the served outputs')
  const recorded = manifest.inputs as ManifestInputFacts[]
  t.same(recorded.map(({ role, index, sha256, bytes, contentType, width, height }) => ({ role, index, sha256, bytes, contentType, width, height })), [
    { role: 'image', index: 0, sha256: sha256(inputs[0] as Buffer), bytes: inputs[0]?.length, contentType: 'image/png', width: 96, height: 64 },
    { role: 'image', index: 1, sha256: sha256(inputs[1] as Buffer), bytes: inputs[1]?.length, contentType: 'image/jpeg', width: 64, height: 64 },
    { role: 'image', index: 2, sha256: sha256(inputs[2] as Buffer), bytes: inputs[2]?.length, contentType: 'image/png', width: 80, height: 80 },
    { role: 'mask', index: 0, sha256: sha256(mask), bytes: mask.length, contentType: 'image/png', width: 96, height: 64 }
  ])
  t.same(recorded.map((input) => input.key), [
    `default/${generationId}/input-0.png`, `default/${generationId}/input-1.jpg`, `default/${generationId}/input-2.png`, `default/${generationId}/mask.png`
  ], 'inputs are stored beside the outputs')
  for (const input of recorded) t.equal(sha256(await storedBytes(env, input.key as string)), input.sha256, `${input.key} holds the bytes sent`)
  const inGeneration = (await storedFiles(env)).filter((file) => file.includes(generationId))
  t.same(inGeneration, ['0.png', '1.png', 'input-0.png', 'input-1.jpg', 'input-2.png', 'manifest.json', 'mask.png'].map((name) => `default/${generationId}/${name}`))
  t.equal((await fetch(`${env.url}/images/default/${generationId}/input-0.png`)).status, 404, 'inputs are kept, never published')
})

t.test('a tenant with storeInputs: false keeps no input files, yet its manifest has their sha256', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: ['acme-edit-key-0123456789'], policy: { storeInputs: false } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, API_KEYS: '' } })
  const input = await noisyImage({ seed: 6 })
  const mask = await noisyImage({ seed: 7, alpha: true })
  const result = await sdk(env, 'acme-edit-key-0123456789').images.edit({ image: await png(input), mask: await png(mask, 'm.png'), prompt: 'x' })
  const generationId = /\/(gen_[0-9a-f]{36})\//.exec(result.data?.[0]?.url as string)?.[1] as string
  const manifest = await manifestOf(env, generationId, 'acme-edit-key-0123456789')
  const recorded = manifest.inputs as ManifestInputFacts[]
  t.same(recorded.map((input) => input.sha256), [sha256(input), sha256(mask)])
  t.same(recorded.map((input) => input.key), [undefined, undefined], 'no key: nothing stored')
  t.same((await storedFiles(env)).filter((file) => file.includes(generationId)).map((file) => file.split('/').at(-1)), ['0.png', 'manifest.json'])
})

t.test('images.createVariation answers stored images with durable links; the manifest says variation', async (t) => {
  const env = await startTestGateway(t)
  const input = await noisyImage({ seed: 8, width: 128, height: 128 })
  const result = await sdk(env).images.createVariation({ image: await png(input), n: 2, size: '256x256' })
  t.equal(result.data?.length, 2)
  const urls = result.data?.map((image) => image.url as string) ?? []
  for (const url of urls) t.match(url, new RegExp(`^${env.url}/images/default/gen_[0-9a-f]{36}/[01]\\.png$`))
  const outputs = await Promise.all(urls.map(fetchBytes))
  t.same(receivedHashes(env.simulator.lastInputs.at(-1)), { images: [sha256(input)] })
  const generationId = /\/(gen_[0-9a-f]{36})\//.exec(urls[0] as string)?.[1] as string
  const manifest = await manifestOf(env, generationId)
  t.equal(manifest.operation, 'variation')
  t.equal(manifest.model, 'dall-e-2', "OpenAI's model for variations when none is named")
  t.same((manifest.images as Array<{ sha256: string }>).map((image) => image.sha256), outputs.map(sha256))
  t.same((manifest.inputs as ManifestInputFacts[]).map((input) => [input.role, input.sha256, input.key]), [['image', sha256(input), `default/${generationId}/input-0.png`]])
  // Durable: the provider forgetting its answer changes nothing for the caller.
  env.simulator.expireUrlsNow()
  t.same(await fetchBytes(urls[0] as string), outputs[0])
})

t.test('refusals: the SDK error, the field named, the provider not called, nothing stored', async (t) => {
  t.test('413 for an input over UPLOAD_FILE_MAX_BYTES', async (t) => {
    const env = await startTestGateway(t, { env: { UPLOAD_FILE_MAX_BYTES: '4096' } })
    const small = await noisyImage({ seed: 9, width: 16, height: 16 })
    const large = await noisyImage({ seed: 10, width: 64, height: 64 })
    t.ok(small.length < 4096 && large.length > 4096, 'one input under the limit, one over')
    const error = await refusal(sdk(env).images.edit({ image: [await png(small), await png(large)], prompt: 'x' }))
    t.equal(error.status, 413)
    t.equal(error.param, 'image[]')
    t.match(error.message, /UPLOAD_FILE_MAX_BYTES/)
    t.equal(nothingCalled(env), 0)
    t.same(await storedFiles(env), [])
  })
  t.test('400 for a mask of another size than the first image', async (t) => {
    const env = await startTestGateway(t)
    const error = await refusal(sdk(env).images.edit({ image: await png(await noisyImage({ seed: 11 })), mask: await png(await noisyImage({ seed: 12, width: 32, height: 32, alpha: true })), prompt: 'x' }))
    t.ok(error instanceof OpenAI.BadRequestError, 'BadRequestError')
    t.equal(error.param, 'mask')
    t.match(error.message, /64x64/)
    t.equal(nothingCalled(env), 0)
    t.same(await storedFiles(env), [])
  })
  t.test('400 for a GIF input', async (t) => {
    const env = await startTestGateway(t)
    const error = await refusal(sdk(env).images.edit({ image: await toFile(await noisyImage({ seed: 13, format: 'gif' }), 'a.gif', { type: 'image/gif' }), prompt: 'x' }))
    t.ok(error instanceof OpenAI.BadRequestError, 'BadRequestError')
    t.equal(error.param, 'image')
    t.equal(nothingCalled(env), 0)
    t.same(await storedFiles(env), [])
  })
  t.test('400 for dall-e-2 with a non-square image', async (t) => {
    const env = await startTestGateway(t)
    const error = await refusal(sdk(env).images.edit({ model: 'dall-e-2', image: await png(await noisyImage({ seed: 14, width: 96, height: 64 })), prompt: 'x' }))
    t.ok(error instanceof OpenAI.BadRequestError, 'BadRequestError')
    t.equal(error.param, 'image')
    t.match(error.message, /square/)
    t.equal(nothingCalled(env), 0)
    t.same(await storedFiles(env), [])
  })
  t.test('400 for a variation of a JPEG', async (t) => {
    const env = await startTestGateway(t)
    const error = await refusal(sdk(env).images.createVariation({ image: await toFile(await noisyImage({ seed: 15, format: 'jpeg' }), 'a.jpg', { type: 'image/jpeg' }) }))
    t.ok(error instanceof OpenAI.BadRequestError, 'BadRequestError')
    t.equal(error.param, 'image')
    t.match(error.message, /PNG/)
    t.equal(nothingCalled(env), 0)
    t.same(await storedFiles(env), [])
  })
  t.test('403 for a tenant whose policy allows generate only, on edit and on variation', async (t) => {
    const dir = await makeDataDir(t)
    const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: ['acme-gen-only-0123456789'], policy: { operations: ['generate'] } }])
    const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, API_KEYS: '' } })
    const client = sdk(env, 'acme-gen-only-0123456789')
    const input = await noisyImage({ seed: 16 })
    const edit = await refusal(client.images.edit({ image: await png(input), prompt: 'x' }))
    t.ok(edit instanceof OpenAI.PermissionDeniedError, 'edit: PermissionDeniedError')
    t.equal(edit.param, 'operation')
    const variation = await refusal(client.images.createVariation({ image: await png(input) }))
    t.ok(variation instanceof OpenAI.PermissionDeniedError, 'variation: PermissionDeniedError')
    t.equal(variation.param, 'operation')
    t.equal(nothingCalled(env), 0)
    t.same((await storedFiles(env)).filter((file) => file.includes('gen_')), [], 'no generation folder')
  })
})
