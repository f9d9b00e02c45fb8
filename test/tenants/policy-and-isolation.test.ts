import { readdir } from 'node:fs/promises'
import t from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir, type Teardown } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import type { Envelope } from '../helpers/envelope.js'

const ACME = 'acme-key-0123456789'
const GLOBEX = 'globex-key-0123456789'

async function twoTenantsFile (t: Teardown): Promise<string> {
  const dir = await makeDataDir(t)
  return await writeTenantsFile(dir, [
    { id: 'acme', keys: [ACME] },
    { id: 'globex', keys: [GLOBEX], storagePrefix: 'globex-trial', policy: { models: ['gpt-image-1-mini'], sizes: ['1024x1024'], qualities: ['low', 'auto'], maxN: 2 } }
  ])
}

async function twoTenants (t: Teardown): Promise<TestGateway> {
  return await startTestGateway(t, { env: { TENANTS_FILE: await twoTenantsFile(t) } })
}

/** The same tenants in process (app.inject), for checks that never reach the provider. */
async function twoTenantsInProcess (t: Teardown): Promise<TestApp> {
  return await buildTestApp(t, { TENANTS_FILE: await twoTenantsFile(t) })
}

const as = (key: string) => ({ authorization: `Bearer ${key}` })

t.test('a model, size, quality or n outside the tenant policy is a 403 naming the field and the allowed values', async (t) => {
  const env = await twoTenants(t)
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ model: 'gpt-image-1' }, 'model', /allowed: gpt-image-1-mini/],
    [{ model: 'gpt-image-1-mini', size: '1792x1024' }, 'size', /allowed: 1024x1024/],
    [{ model: 'gpt-image-1-mini', quality: 'high' }, 'quality', /allowed: low, auto/],
    [{ model: 'gpt-image-1-mini', n: 3 }, 'n', /allowed: 1 to 2/]
  ]
  for (const [body, param, allowed] of cases) {
    const response = await env.post('/generate', { prompt: 'policy', ...body }, as(GLOBEX))
    t.equal(response.status, 403, `${param} → 403`)
    const envelope = await response.json() as Envelope
    t.equal(envelope.error.type, 'permission_error')
    t.equal(envelope.error.code, 'policy_violation')
    t.equal(envelope.error.param, param)
    t.match(envelope.error.message, allowed)
  }
  t.equal(env.simulator.stats.generationRequests, 0)
  const allowed = await env.post('/generate', { prompt: 'policy', model: 'gpt-image-1-mini', size: '1024x1024', quality: 'low', n: 2 }, as(GLOBEX))
  t.equal(allowed.status, 200, 'inside the policy it works')
  const other = await env.post('/generate', { prompt: 'policy', model: 'gpt-image-1', size: '1792x1024', n: 4 }, as(ACME))
  t.equal(other.status, 200, 'the other tenant is not restricted')
})

t.test('a restricted size or quality left out gets the first allowed value, not the provider default', async (t) => {
  const env = await twoTenants(t)
  const response = await env.post('/generate', { prompt: 'defaults', model: 'gpt-image-1-mini' }, as(GLOBEX))
  t.equal(response.status, 200)
  const sent = env.simulator.lastRequestBodies.at(-1) as { size?: string, quality?: string }
  t.equal(sent.size, '1024x1024')
  t.equal(sent.quality, 'low')
})

t.test('each tenant stores under its own prefix', async (t) => {
  const env = await twoTenants(t)
  await env.post('/generate', { prompt: 'a' }, as(ACME))
  await env.post('/generate', { prompt: 'g', model: 'gpt-image-1-mini' }, as(GLOBEX))
  t.same((await readdir(env.dataDir)).filter((name) => !name.startsWith('.')).sort(), ['acme', 'globex-trial'])
})

t.test('one tenant can never read, list or delete another tenant\'s generations: 404, not 403', async (t) => {
  const env = await twoTenants(t)
  const created = await (await env.post('/generate', { prompt: 'acme only' }, as(ACME))).json() as { id: string, data: Array<{ url: string }> }
  const own = await fetch(`${env.url}/v1/generations/${created.id}`, { headers: as(ACME) })
  t.equal(own.status, 200)
  t.equal((await own.json() as { id: string }).id, created.id)

  const read = await fetch(`${env.url}/v1/generations/${created.id}`, { headers: as(GLOBEX) })
  t.equal(read.status, 404)
  t.equal((await read.json() as Envelope).error.type, 'not_found_error')
  const listed = await (await fetch(`${env.url}/v1/generations`, { headers: as(GLOBEX) })).json() as { data: unknown[] }
  t.same(listed.data, [], 'not in the other tenant\'s list')
  const deleted = await fetch(`${env.url}/v1/generations/${created.id}`, { method: 'DELETE', headers: as(GLOBEX) })
  t.equal(deleted.status, 404)
  t.equal((await fetch(created.data[0]?.url as string)).status, 200, 'the image is still there')
  t.equal((await fetch(`${env.url}/v1/generations/${created.id}`, { headers: as(ACME) })).status, 200)
})

t.test('the owner can list newest first, page with a cursor, and delete; links then answer 404', async (t) => {
  const env = await twoTenants(t)
  const ids: string[] = []
  for (let index = 0; index < 5; index++) {
    const answer = await (await env.post('/generate', { prompt: `record ${index}` }, as(ACME))).json() as { id: string }
    ids.push(answer.id)
    await new Promise((resolve) => setTimeout(resolve, 3)) // distinct milliseconds
  }
  const first = await (await fetch(`${env.url}/v1/generations?limit=2`, { headers: as(ACME) })).json() as { data: Array<{ id: string }>, has_more: boolean, last_id: string }
  t.same(first.data.map((record) => record.id), [ids[4], ids[3]], 'newest first')
  t.equal(first.has_more, true)
  const second = await (await fetch(`${env.url}/v1/generations?limit=2&after=${first.last_id}`, { headers: as(ACME) })).json() as { data: Array<{ id: string }>, has_more: boolean, last_id: string }
  t.same(second.data.map((record) => record.id), [ids[2], ids[1]])
  const third = await (await fetch(`${env.url}/v1/generations?limit=2&after=${second.last_id}`, { headers: as(ACME) })).json() as { data: Array<{ id: string }>, has_more: boolean }
  t.same(third.data.map((record) => record.id), [ids[0]])
  t.equal(third.has_more, false)

  const record = await (await fetch(`${env.url}/v1/generations/${ids[0]}`, { headers: as(ACME) })).json() as { images: Array<{ url: string }> }
  const deleted = await fetch(`${env.url}/v1/generations/${ids[0]}`, { method: 'DELETE', headers: as(ACME) })
  t.equal(deleted.status, 200)
  t.same(await deleted.json(), { id: ids[0], object: 'generation.deleted', deleted: true })
  t.equal((await fetch(record.images[0]?.url as string)).status, 404, 'its link answers 404')
  t.equal((await fetch(`${env.url}/v1/generations/${ids[0]}`, { headers: as(ACME) })).status, 404)
  t.equal((await fetch(`${env.url}/v1/generations/${ids[0]}`, { method: 'DELETE', headers: as(ACME) })).status, 404, 'deleting twice is a 404')
})

t.test('malformed generation ids are 404 and malformed cursors 400, never server errors', async (t) => {
  const { app } = await twoTenantsInProcess(t)
  for (const id of ['nope', '..%2F..%2Fetc', 'gen_zzzz']) {
    t.equal((await app.inject({ url: `/v1/generations/${id}`, headers: as(ACME) })).statusCode, 404, id)
  }
  const listed = await app.inject({ url: '/v1/generations?after=..%2F..', headers: as(ACME) })
  t.equal(listed.statusCode, 400, 'a cursor that is not a generation id (test/regressions/bad-cursor.test.ts)')
  t.equal((await app.inject({ url: '/v1/generations?limit=0', headers: as(ACME) })).statusCode, 400)
  t.equal((await app.inject({ url: '/v1/generations?limit=abc', headers: as(ACME) })).statusCode, 400)
})
