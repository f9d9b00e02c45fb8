// assembleGateway builds every service and the app without listening (what inject tests and the
// OpenAPI script use); startGateway is that plus listen.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { TEST_KEY } from './helpers/gateway.js'

t.test('an assembled gateway answers inject without opening a socket', async (t) => {
  const { app } = await buildTestApp(t)
  const health = await app.inject('/healthz')
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  t.equal(app.server.listening, false, 'nothing listens')
  const usage = await app.inject({ url: '/v1/usage', headers: { authorization: `Bearer ${TEST_KEY}` } })
  t.equal(usage.statusCode, 200, 'tenants, keys and shared state are wired')
})

t.test('close can be called again, and at the same time, without failing', async (t) => {
  const { gateway } = await buildTestApp(t)
  await gateway.app.ready()
  await t.resolves(Promise.all([gateway.close(), gateway.close()]))
  await t.resolves(gateway.close(), 'and once more (the test teardown closes it too)')
})

t.test('in the inject helper, a request that does reach the provider is counted, and fails', async (t) => {
  const env = await buildTestApp(t)
  const response = await env.post('/generate', { prompt: 'nobody listens upstream' })
  t.equal(response.statusCode, 502, 'the upstream is unreachable, so nothing can pass by accident')
  t.equal(env.providerAttempts(), 1)
})
