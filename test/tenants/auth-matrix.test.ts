// Keys from a tenants file, checked in process (app.inject): /v1/usage needs no provider.
import { rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { TEST_KEY } from '../helpers/gateway.js'
import { makeDataDir, type Teardown } from '../helpers/temp-dir.js'
import { tenantsYaml, writeTenantsFile } from '../helpers/tenants-file.js'
import type { Envelope } from '../helpers/envelope.js'
import { waitFor } from '../helpers/wait-for.js'

const ACME = 'acme-key-0123456789'
const ACME_OLD = 'acme-old-key-0123456789'
const ACME_EXPIRED = 'acme-expired-key-0123456789'
const BETA = 'beta-key-0123456789'

async function gatewayWithTenants (t: Teardown) {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [
    { id: 'acme', keys: [ACME, ACME_OLD, { key: ACME_EXPIRED, expiresAt: '2020-01-01T00:00:00Z' }] },
    { id: 'beta', keys: [BETA] }
  ])
  const env = await buildTestApp(t, { TENANTS_FILE: tenantsFile })
  return { env, tenantsFile, dir }
}

const usage = (app: FastifyInstance, headers: Record<string, string>) => app.inject({ url: '/v1/usage', headers })

t.test('each tenant key resolves to its own tenant, in both header styles', async (t) => {
  const { env } = await gatewayWithTenants(t)
  const cases: Array<[Record<string, string>, string]> = [
    [{ authorization: `Bearer ${ACME}` }, 'acme'], [{ 'x-api-key': ACME_OLD }, 'acme'],
    [{ authorization: `Bearer ${BETA}` }, 'beta'], [{ 'x-api-key': BETA }, 'beta']
  ]
  for (const [headers, tenant] of cases) {
    const response = await usage(env.app, headers)
    t.equal(response.statusCode, 200)
    t.equal(response.json<{ tenant: string }>().tenant, tenant)
  }
})

t.test('a wrong key is a 401 invalid_api_key', async (t) => {
  const { env } = await gatewayWithTenants(t)
  const response = await usage(env.app, { authorization: 'Bearer nobody-0123456789' })
  t.equal(response.statusCode, 401)
  t.equal(response.json<Envelope>().error.code, 'invalid_api_key')
})

t.test('an expired key is a 401 that says it expired', async (t) => {
  const { env } = await gatewayWithTenants(t)
  const response = await usage(env.app, { authorization: `Bearer ${ACME_EXPIRED}` })
  t.equal(response.statusCode, 401)
  const envelope = response.json<Envelope>()
  t.equal(envelope.error.code, 'expired_api_key')
  t.match(envelope.error.message, /expired at 2020-01-01T00:00:00.000Z/)
})

t.test('a key removed from the file stops working after the reload, without a restart', async (t) => {
  const { env, tenantsFile, dir } = await gatewayWithTenants(t)
  t.equal((await usage(env.app, { authorization: `Bearer ${ACME_OLD}` })).statusCode, 200)
  // Rotation: the old key is removed; write-then-rename, as editors and config managers do.
  const next = path.join(dir, 'next.yaml')
  await writeFile(next, tenantsYaml([{ id: 'acme', keys: [ACME] }, { id: 'beta', keys: [BETA] }]))
  await rename(next, tenantsFile)
  await waitFor(async () => (await usage(env.app, { authorization: `Bearer ${ACME_OLD}` })).statusCode === 401 ? true : undefined, 'the revoked key to be refused')
  t.equal((await usage(env.app, { authorization: `Bearer ${ACME}` })).statusCode, 200, 'the new key still works')
})

t.test('a key added to the file works after an explicit reload (SIGHUP path)', async (t) => {
  const { env, tenantsFile } = await gatewayWithTenants(t)
  env.gateway.tenants.close() // no watcher: only the explicit reload can pick the change up
  await writeFile(tenantsFile, tenantsYaml([{ id: 'acme', keys: [ACME, 'acme-new-key-0123456789'] }, { id: 'beta', keys: [BETA] }]))
  t.equal((await usage(env.app, { authorization: 'Bearer acme-new-key-0123456789' })).statusCode, 401, 'not yet')
  t.equal(await env.gateway.tenants.reload(), true)
  t.equal((await usage(env.app, { authorization: 'Bearer acme-new-key-0123456789' })).statusCode, 200)
})

t.test('an invalid file is rejected with a logged error and the old tenants stay in force', async (t) => {
  const { env, tenantsFile } = await gatewayWithTenants(t)
  env.gateway.tenants.close()
  for (const broken of ['tenants: [ {id: acme, keys: [ {sha256: "not-hex"} ] } ]', 'tenants: {', 'tenants:\n  - id: Bad Id\n    keys: []\n']) {
    await writeFile(tenantsFile, broken)
    t.equal(await env.gateway.tenants.reload(), false, 'reload refused')
    t.equal((await usage(env.app, { authorization: `Bearer ${ACME}` })).statusCode, 200, 'old keys still work')
  }
  t.ok(env.logLines.some((line) => line.includes('tenants file rejected')), 'the rejection is logged')
})

t.test('repeated failed authentications from one address are throttled with 429', async (t) => {
  const env = await buildTestApp(t, { AUTH_FAILURES_MAX: '5', AUTH_FAILURES_WINDOW: '1 minute' })
  for (let attempt = 0; attempt < 5; attempt++) {
    t.equal((await usage(env.app, { authorization: `Bearer guess-${attempt}` })).statusCode, 401)
  }
  const blocked = await usage(env.app, { authorization: 'Bearer guess-6' })
  t.equal(blocked.statusCode, 429)
  t.ok(Number(blocked.headers['retry-after']) >= 1)
  t.equal(blocked.json<Envelope>().error.code, 'too_many_failed_authentications')
  const evenRight = await usage(env.app, { authorization: `Bearer ${TEST_KEY}` })
  t.equal(evenRight.statusCode, 429, 'while blocked, even a right key is refused: guessing gains nothing')
})
