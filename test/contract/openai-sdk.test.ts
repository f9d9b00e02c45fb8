// The official openai SDK, unchanged, against a running gateway: baseURL `${gateway}/v1` and a
// tenant key are all a caller changes.
import OpenAI from 'openai'
import t from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const sdk = (env: TestGateway, apiKey = TEST_KEY) => new OpenAI({ baseURL: `${env.url}/v1`, apiKey, maxRetries: 0 })

async function fetchBytes (url: string): Promise<Buffer> {
  const response = await fetch(url)
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}

t.test('images.generate with response_format url answers durable gateway links to stored PNGs', async (t) => {
  const env = await startTestGateway(t)
  const result = await sdk(env).images.generate({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 2, size: '1024x1024', response_format: 'url' })
  t.equal(result.data?.length, 2)
  for (const image of result.data ?? []) {
    t.match(image.url, new RegExp(`^${env.url}/images/default/gen_[0-9a-f]{36}/[01]\\.png$`), 'a link to the gateway, not to the provider')
    t.equal(image.b64_json, undefined)
    const bytes = await fetchBytes(image.url as string)
    t.same(bytes.subarray(0, 8), PNG_SIGNATURE)
  }
  t.type(result.created, 'number')
  t.equal(result.size, '1024x1024')
})

t.test('images.generate with response_format b64_json answers the image inline and its durable link', async (t) => {
  const env = await startTestGateway(t)
  const result = await sdk(env).images.generate({ prompt: 'a lighthouse at dawn', response_format: 'b64_json' })
  const image = result.data?.[0]
  t.ok(image?.b64_json, 'inline image')
  const inline = Buffer.from(image?.b64_json ?? '', 'base64')
  t.same(inline.subarray(0, 8), PNG_SIGNATURE)
  t.same(await fetchBytes(image?.url as string), inline, 'the durable link serves the same bytes')
})

t.test('an invalid parameter is a BadRequestError naming the parameter', async (t) => {
  const env = await startTestGateway(t)
  const error = await sdk(env).images.generate({ prompt: 'x', n: 11 }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.BadRequestError, 'BadRequestError')
  const badRequest = error as InstanceType<typeof OpenAI.BadRequestError>
  t.equal(badRequest.status, 400)
  t.equal(badRequest.code, 'invalid_value')
  t.equal(badRequest.param, 'n')
  t.equal(badRequest.type, 'invalid_request_error')
  t.match(badRequest.requestID, /.+/, 'the SDK reads x-request-id')
  t.equal(env.simulator.stats.generationRequests, 0)
})

t.test('a wrong key is an AuthenticationError', async (t) => {
  const env = await startTestGateway(t)
  const error = await sdk(env, 'igw_not_a_key_of_this_gateway').images.generate({ prompt: 'x' }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.AuthenticationError, 'AuthenticationError')
  t.equal((error as InstanceType<typeof OpenAI.AuthenticationError>).status, 401)
  t.equal((error as InstanceType<typeof OpenAI.AuthenticationError>).code, 'invalid_api_key')
})

t.test('a tenant over its request rate gets a RateLimitError with retry-after', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: ['acme-sdk-key-0123456789'], policy: { rateLimit: { max: 1, timeWindow: '1 minute' } } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile } })
  const client = sdk(env, 'acme-sdk-key-0123456789')
  await client.images.generate({ prompt: 'first' })
  const error = await client.images.generate({ prompt: 'second' }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.RateLimitError, 'RateLimitError')
  const limited = error as InstanceType<typeof OpenAI.RateLimitError>
  t.equal(limited.status, 429)
  t.equal(limited.code, 'rate_limit_exceeded')
  t.ok(Number(limited.headers?.get('retry-after')) >= 1)
  t.equal(env.simulator.stats.generationRequests, 1)
})

t.test('a policy refusal is a PermissionDeniedError naming the field', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'globex', keys: ['globex-sdk-key-0123456789'], policy: { models: ['gpt-image-1-mini'] } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile } })
  const error = await sdk(env, 'globex-sdk-key-0123456789').images.generate({ prompt: 'x', model: 'dall-e-3' }).catch((caught: unknown) => caught)
  t.ok(error instanceof OpenAI.PermissionDeniedError, 'PermissionDeniedError')
  t.equal((error as InstanceType<typeof OpenAI.PermissionDeniedError>).param, 'model')
})

t.test('an Idempotency-Key passed as a request header makes an SDK retry replay the first answer', async (t) => {
  const env = await startTestGateway(t)
  const client = sdk(env)
  const options = { headers: { 'Idempotency-Key': 'sdk-retry-1' } }
  const first = await client.images.generate({ prompt: 'once' }, options)
  const again = await client.images.generate({ prompt: 'once' }, options).withResponse()
  t.same(again.data.data?.map((image) => image.url), first.data?.map((image) => image.url))
  t.equal(again.response.headers.get('idempotent-replayed'), 'true')
  t.equal(env.simulator.stats.generationRequests, 1, 'the provider was called once')
  const conflict = await client.images.generate({ prompt: 'other' }, options).catch((caught: unknown) => caught)
  t.ok(conflict instanceof OpenAI.ConflictError, 'the same key with another body is a ConflictError')
})
