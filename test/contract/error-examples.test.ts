// The error examples in the OpenAPI document are what the gateway really sends: each one whose
// message does not depend on configuration is provoked here and compared with the live answer.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { ERROR_RESPONSES } from '../../src/openapi/error-responses.js'
import { buildTestApp } from '../helpers/app.js'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import type { Envelope } from '../helpers/envelope.js'

function example (status: keyof typeof ERROR_RESPONSES, code: string): { message: string, type: string, param?: string, code: string } {
  const examples = ERROR_RESPONSES[status].examples as Record<string, { message: string, type: string, param?: string, code: string }>
  const found = examples[code]
  if (found === undefined) throw new Error(`no ${status} example for ${code}`)
  return found
}

/** An answer from the wire (fetch) or from an in-process app (inject). */
type Answer = Response | LightMyRequestResponse

async function matchesExample (t: Test, response: Answer, status: keyof typeof ERROR_RESPONSES, code: string): Promise<void> {
  const [actualStatus, { error }] = response instanceof Response
    ? [response.status, await response.json() as Envelope]
    : [response.statusCode, response.json<Envelope>()]
  t.equal(actualStatus, Number(status), `${code}: status`)
  const documented = example(status, code)
  t.same({ message: error.message, type: error.type, code: error.code, param: error.param ?? undefined }, { ...documented, param: documented.param }, `${code}: the documented example is the real answer`)
}

const post = (env: TestGateway, body: string, headers: Record<string, string>) =>
  fetch(`${env.url}/generate`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })

const injectPost = (app: FastifyInstance, body: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/generate', payload: body, headers: { 'content-type': 'application/json', ...headers } })

// None of these reaches the provider: checked in process (app.inject).
t.test('request, auth and record errors answer exactly as documented', async (t) => {
  const { app } = await buildTestApp(t)
  const auth = { authorization: `Bearer ${TEST_KEY}` }
  await matchesExample(t, await injectPost(app, '{"prompt":', auth), 400, 'invalid_json')
  await matchesExample(t, await injectPost(app, JSON.stringify({ prompt: 'x', quality: 'ultra' }), auth), 400, 'invalid_value')
  await matchesExample(t, await injectPost(app, JSON.stringify({ prompt: 'x' }), {}), 401, 'missing_api_key')
  await matchesExample(t, await injectPost(app, JSON.stringify({ prompt: 'x' }), { authorization: 'Bearer igw_not_a_key_0123456789' }), 401, 'invalid_api_key')
  await matchesExample(t, await app.inject({ method: 'POST', url: '/generate', payload: 'x', headers: { ...auth, 'content-type': 'text/plain' } }), 415, 'unsupported_media_type')
  await matchesExample(t, await injectPost(app, JSON.stringify({ prompt: 'x'.repeat(300_000) }), auth), 413, 'request_too_large')
  await matchesExample(t, await app.inject({ url: '/v1/generations/gen_0000000000000000000000000000000000000', headers: auth }), 404, 'not_found')
})

t.test('policy, quota and idempotency errors answer exactly as documented', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [
    { id: 'globex', keys: ['globex-example-key-0123456789'], policy: { models: ['gpt-image-1-mini'] } },
    { id: 'acme', keys: ['acme-example-key-0123456789'], policy: { images: { perMinute: 100, perDay: 6 } } }
  ])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile } })
  const globex = { authorization: 'Bearer globex-example-key-0123456789' }
  const acme = { authorization: 'Bearer acme-example-key-0123456789' }
  await matchesExample(t, await post(env, JSON.stringify({ prompt: 'x', model: 'dall-e-3' }), globex), 403, 'policy_violation')
  t.equal((await post(env, JSON.stringify({ prompt: 'fill', n: 4 }), acme)).status, 200)
  await matchesExample(t, await post(env, JSON.stringify({ prompt: 'x', n: 4 }), acme), 429, 'image_quota_exceeded')
  const first = await post(env, JSON.stringify({ prompt: 'one', model: 'gpt-image-1-mini' }), { ...globex, 'idempotency-key': 'example-1' })
  t.equal(first.status, 200)
  await matchesExample(t, await post(env, JSON.stringify({ prompt: 'two', model: 'gpt-image-1-mini' }), { ...globex, 'idempotency-key': 'example-1' }), 409, 'idempotency_key_reused')
})

t.test('provider failures answer exactly as documented', async (t) => {
  const env = await startTestGateway(t, { env: { UPSTREAM_MAX_RETRIES: '0' } })
  const auth = { authorization: `Bearer ${TEST_KEY}` }
  env.simulator.pushFault({ kind: 'status', status: 500 })
  await matchesExample(t, await post(env, JSON.stringify({ prompt: 'x' }), auth), 502, 'upstream_error')
  env.simulator.pushFault({ kind: 'truncated-base64' })
  await matchesExample(t, await post(env, JSON.stringify({ prompt: 'x' }), auth), 502, 'upstream_invalid_image')
})
