// GET /v1/usage answers from the rate limit's store, not from the x-ratelimit-* headers the plugin
// sets on the same request: with those headers turned off, the counts are still right.
import rateLimit from '@fastify/rate-limit'
import Fastify from 'fastify'
import t from 'tap'
import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js'
import { memoryRequestRateStore, pluginStoreFor, requestRateKey } from '../../src/limits/request-rate-store.js'
import { usageRoutes } from '../../src/routes/usage.js'
import { SHARED_SCHEMAS } from '../../src/schemas/shared.js'
import type { Tenant } from '../../src/tenants/tenant.js'
import { TenantUsage } from '../../src/tenants/tenant-usage.js'

const tenant: Tenant = {
  id: 'acme',
  name: 'Acme',
  storagePrefix: 'acme',
  policy: { rateLimit: { max: 10, timeWindowMs: 60_000 }, images: { perMinute: 6, perDay: 10 }, maxInFlight: 2, maxN: 10, storeInputs: true }
}

const NO_HEADERS = { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': false }

async function usageApp (t: { teardown(fn: () => unknown): void }) {
  const requestRates = memoryRequestRateStore()
  const limits = new MemoryLimitStore()
  const app = Fastify()
  t.teardown(async () => {
    await app.close()
    await limits.close()
  })
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
  app.decorateRequest('tenant', null)
  app.addHook('onRequest', async (request) => { request.tenant = tenant })
  await app.register(rateLimit, {
    store: pluginStoreFor(requestRates),
    keyGenerator: (request) => requestRateKey(request.tenant?.id ?? ''),
    max: tenant.policy.rateLimit.max,
    timeWindow: tenant.policy.rateLimit.timeWindowMs,
    addHeaders: NO_HEADERS,
    addHeadersOnExceeding: NO_HEADERS
  })
  app.get('/other', async () => 'ok')
  await app.register(usageRoutes, { usage: new TenantUsage({ limits, requestRates }) })
  return app
}

t.test('with the rate limit headers off, usage counts the requests made before it and itself', async (t) => {
  const app = await usageApp(t)
  for (let request = 0; request < 3; request++) t.equal((await app.inject('/other')).statusCode, 200)
  const response = await app.inject('/v1/usage')
  t.equal(response.statusCode, 200)
  t.notOk(response.headers['x-ratelimit-remaining'], 'the plugin set no headers')
  const { requests } = response.json<{ requests: { used: number, limit: number, remaining: number, reset_seconds: number } }>()
  t.same(requests, { ...requests, used: 4, limit: 10, remaining: 6 })
  t.ok(requests.reset_seconds > 0 && requests.reset_seconds <= 60)
})

t.test('each usage call counts once, as any request does', async (t) => {
  const app = await usageApp(t)
  const used = []
  for (let call = 0; call < 3; call++) used.push((await app.inject('/v1/usage')).json<{ requests: { used: number } }>().requests.used)
  t.same(used, [1, 2, 3])
})
