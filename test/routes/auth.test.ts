// Refusals are checked in process (app.inject, no provider needed); what needs a generation to
// succeed runs against a real gateway and simulator.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import type { Envelope } from '../helpers/envelope.js'

const post = (url: string, headers: Record<string, string>) => fetch(`${url}/generate`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ prompt: 'auth check' })
})

const injectPost = (app: FastifyInstance, headers: Record<string, string>) => app.inject({
  method: 'POST',
  url: '/generate',
  headers: { 'content-type': 'application/json', ...headers },
  payload: JSON.stringify({ prompt: 'auth check' })
})

t.test('a missing key is a 401 that says how to send one', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await injectPost(app, {})
  t.equal(response.statusCode, 401)
  t.equal(response.headers['www-authenticate'], 'Bearer')
  const envelope = response.json<Envelope>()
  t.equal(envelope.error.type, 'authentication_error')
  t.equal(envelope.error.code, 'missing_api_key')
  t.match(envelope.error.message, /Authorization: Bearer/)
})

t.test('a malformed Authorization header is a 401', async (t) => {
  const { app } = await buildTestApp(t)
  for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', TEST_KEY, 'Bearer a b']) {
    const response = await injectPost(app, { authorization })
    t.equal(response.statusCode, 401, `${authorization.slice(0, 12)}… → 401`)
    t.equal(response.json<Envelope>().error.code, 'invalid_authorization_header')
  }
})

t.test('a wrong key is a 401 and the provider is never called', async (t) => {
  const env = await buildTestApp(t)
  const attempts: Array<Record<string, string>> = [{ authorization: 'Bearer wrong-key' }, { 'x-api-key': 'wrong-key' }, { authorization: `Bearer ${TEST_KEY}x` }]
  for (const headers of attempts) {
    const response = await injectPost(env.app, headers)
    t.equal(response.statusCode, 401)
    t.equal(response.json<Envelope>().error.code, 'invalid_api_key')
  }
  t.equal(env.providerAttempts(), 0)
})

t.test('the key is accepted as a Bearer token and as x-api-key', async (t) => {
  const env = await startTestGateway(t)
  t.equal((await post(env.url, { authorization: `Bearer ${TEST_KEY}` })).status, 200)
  t.equal((await post(env.url, { authorization: `bearer ${TEST_KEY}` })).status, 200)
  t.equal((await post(env.url, { 'x-api-key': TEST_KEY })).status, 200)
})

t.test('several configured keys all work', async (t) => {
  const env = await startTestGateway(t, { env: { API_KEYS: `${TEST_KEY}, second-key-abcdef` } })
  t.equal((await post(env.url, { authorization: 'Bearer second-key-abcdef' })).status, 200)
})

t.test('neither the caller key nor the provider key appears in the logs', async (t) => {
  const env = await startTestGateway(t)
  await post(env.url, { authorization: `Bearer ${TEST_KEY}` })
  await post(env.url, { 'x-api-key': TEST_KEY })
  await post(env.url, { authorization: `Bearer ${TEST_KEY}-wrong` })
  t.ok(env.logLines.length > 5, 'logs were captured')
  const logs = env.logLines.join('\n')
  t.notMatch(logs, TEST_KEY, 'caller key absent')
  t.notMatch(logs, 'sim-secret-key', 'provider key absent')
})

t.test('health probes need no key', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await app.inject('/healthz')).statusCode, 200)
  const ready = await app.inject('/readyz')
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', checks: { storage: 'ok' } })
})

t.test('a plain caller x-request-id is echoed; a hostile one is replaced', async (t) => {
  const env = await buildTestApp(t)
  const echoed = await env.app.inject({ url: '/healthz', headers: { 'x-request-id': 'caller-id-42' } })
  t.equal(echoed.headers['x-request-id'], 'caller-id-42')
  const replaced = await env.app.inject({ url: '/healthz', headers: { 'x-request-id': 'evil\tid with spaces' } })
  t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  const failed = await injectPost(env.app, { 'x-request-id': 'failing-call-1' })
  t.equal(failed.headers['x-request-id'], 'failing-call-1', 'error answers carry it too')
  t.ok(env.logLines.some((line) => line.includes('"reqId":"failing-call-1"')), 'and the logs carry it')
})
