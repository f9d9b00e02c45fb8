// Idempotency keys belong to the tenant that sent them: two tenants may use the same key for
// different requests, each gets its own generation, and deleting one tenant's generation does not
// touch the other's replay.
import t from 'tap'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'

interface Answer { id: string, data: Array<{ url: string, b64_json?: string }> }

const ACME = 'acme-key-0123456789'
const GLOBEX = 'globex-key-0123456789'
const as = (key: string) => ({ authorization: `Bearer ${key}` })

async function twoTenants (t: Parameters<typeof startTestGateway>[0]): Promise<TestGateway> {
  const tenantsFile = await writeTenantsFile(await makeDataDir(t), [
    { id: 'acme', keys: [ACME] },
    { id: 'globex', keys: [GLOBEX], storagePrefix: 'globex-trial' }
  ])
  return await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile } })
}

t.test('two tenants use the same Idempotency-Key with different bodies: both 200, each its own generation', async (t) => {
  const env = await twoTenants(t)
  const acme = await env.post('/generate', { prompt: 'acme asks' }, { ...as(ACME), 'idempotency-key': 'shared-key' })
  const globex = await env.post('/generate', { prompt: 'globex asks something else', response_format: 'b64_json' }, { ...as(GLOBEX), 'idempotency-key': 'shared-key' })
  t.equal(acme.status, 200)
  t.equal(globex.status, 200, 'not a 409: the key is not shared across tenants')
  t.equal(globex.headers.get('idempotent-replayed'), null, 'and not a replay of the other tenant\'s answer')
  const acmeAnswer = await acme.json() as Answer
  const globexAnswer = await globex.json() as Answer
  t.not(acmeAnswer.id, globexAnswer.id)
  t.match(acmeAnswer.data[0]?.url, /\/images\/acme\//)
  t.match(globexAnswer.data[0]?.url, /\/images\/globex-trial\//)
  t.equal(env.simulator.stats.generationRequests, 2, 'two provider calls')

  const acmeReplay = await env.post('/generate', { prompt: 'acme asks' }, { ...as(ACME), 'idempotency-key': 'shared-key' })
  const globexReplay = await env.post('/generate', { prompt: 'globex asks something else', response_format: 'b64_json' }, { ...as(GLOBEX), 'idempotency-key': 'shared-key' })
  t.equal(acmeReplay.headers.get('idempotent-replayed'), 'true')
  t.equal(globexReplay.headers.get('idempotent-replayed'), 'true')
  t.same(await acmeReplay.json(), acmeAnswer, 'each tenant replays its own answer')
  t.same(await globexReplay.json(), globexAnswer)
  t.equal(env.simulator.stats.generationRequests, 2, 'no further provider call')
})

t.test('one tenant deleting its generation leaves the other tenant\'s replay of the same key intact', async (t) => {
  const env = await twoTenants(t)
  const acmeAnswer = await (await env.post('/generate', { prompt: 'acme' }, { ...as(ACME), 'idempotency-key': 'k' })).json() as Answer
  const globexAnswer = await (await env.post('/generate', { prompt: 'globex' }, { ...as(GLOBEX), 'idempotency-key': 'k' })).json() as Answer
  t.equal((await fetch(`${env.url}/v1/generations/${acmeAnswer.id}`, { method: 'DELETE', headers: as(ACME) })).status, 200)
  t.equal((await env.post('/generate', { prompt: 'acme' }, { ...as(ACME), 'idempotency-key': 'k' })).status, 410, 'acme\'s replay: its generation is gone')
  const globexReplay = await env.post('/generate', { prompt: 'globex' }, { ...as(GLOBEX), 'idempotency-key': 'k' })
  t.equal(globexReplay.status, 200)
  t.same(await globexReplay.json(), globexAnswer)
})

t.test('a tenant cannot replay another tenant\'s generation: the same key and body run anew', async (t) => {
  const env = await twoTenants(t)
  const body = { prompt: 'identical body' }
  const acmeAnswer = await (await env.post('/generate', body, { ...as(ACME), 'idempotency-key': 'same' })).json() as Answer
  const globex = await env.post('/generate', body, { ...as(GLOBEX), 'idempotency-key': 'same' })
  t.equal(globex.status, 200)
  t.equal(globex.headers.get('idempotent-replayed'), null)
  t.not((await globex.json() as Answer).id, acmeAnswer.id)
  t.equal(env.simulator.stats.generationRequests, 2)
})
