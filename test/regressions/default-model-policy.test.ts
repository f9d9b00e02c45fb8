// Regression: a tenant allowed only some models got 403 "may not use model gpt-image-1" when its
// request named no model: the gateway filled in DEFAULT_MODEL before checking the policy, while a
// missing size or quality already fell back to the policy's first allowed value. A request without
// a model now gets DEFAULT_MODEL when the tenant may use it, else the tenant's first allowed model.
import t from 'tap'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import type { Envelope } from '../helpers/envelope.js'

interface Manifest { model: string, request: { model?: string } }

const MINI_ONLY = 'mini-only-key-0123456789'
const WITH_DEFAULT = 'with-default-key-0123456789'
const ANY_MODEL = 'any-model-key-0123456789'

async function gatewayWithTenants (t: Parameters<typeof startTestGateway>[0]): Promise<TestGateway> {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [
    { id: 'mini-only', keys: [MINI_ONLY], policy: { models: ['gpt-image-1-mini', 'dall-e-3'] } },
    { id: 'with-default', keys: [WITH_DEFAULT], policy: { models: ['gpt-image-1-mini', 'gpt-image-1'] } },
    { id: 'any-model', keys: [ANY_MODEL] }
  ])
  return await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, DEFAULT_MODEL: 'gpt-image-1' } })
}

const as = (key: string) => ({ authorization: `Bearer ${key}` })

async function generateWithoutModel (env: TestGateway, key: string): Promise<{ status: number, model?: string, sentModel?: unknown }> {
  const response = await env.post('/generate', { prompt: 'no model named' }, as(key))
  if (response.status !== 200) return { status: response.status }
  const { id } = await response.json() as { id: string }
  const manifest = await (await fetch(`${env.url}/v1/generations/${id}`, { headers: as(key) })).json() as Manifest
  const sent = env.simulator.lastRequestBodies.at(-1) as { model?: unknown }
  return { status: response.status, model: manifest.model, sentModel: sent.model }
}

t.test('a tenant restricted to models without DEFAULT_MODEL gets its first allowed model when it names none', async (t) => {
  const env = await gatewayWithTenants(t)
  t.same(await generateWithoutModel(env, MINI_ONLY), { status: 200, model: 'gpt-image-1-mini', sentModel: 'gpt-image-1-mini' },
    'stored and sent to the provider as the first allowed model')
})

t.test('a tenant whose allowed models include DEFAULT_MODEL gets DEFAULT_MODEL', async (t) => {
  const env = await gatewayWithTenants(t)
  t.same(await generateWithoutModel(env, WITH_DEFAULT), { status: 200, model: 'gpt-image-1', sentModel: 'gpt-image-1' })
})

t.test('an unrestricted tenant gets DEFAULT_MODEL', async (t) => {
  const env = await gatewayWithTenants(t)
  t.same(await generateWithoutModel(env, ANY_MODEL), { status: 200, model: 'gpt-image-1', sentModel: 'gpt-image-1' })
})

t.test('a model the tenant may not use is still a 403 naming model', async (t) => {
  const env = await gatewayWithTenants(t)
  const response = await env.post('/generate', { prompt: 'named model', model: 'gpt-image-1' }, as(MINI_ONLY))
  t.equal(response.status, 403)
  t.same(await response.json() as Envelope, {
    error: {
      message: 'Tenant mini-only may not use model "gpt-image-1"; allowed: gpt-image-1-mini, dall-e-3.',
      type: 'permission_error',
      param: 'model',
      code: 'policy_violation'
    }
  })
  t.equal(env.simulator.stats.generationRequests, 0, 'the provider was not called')
})
