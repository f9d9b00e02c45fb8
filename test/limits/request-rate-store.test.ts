// The per-process request-rate store (the plugin's LocalStore), and the `store` option built around
// one store: whatever the plugin constructs counts where `read` looks.
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'
import t from 'tap'
import { memoryRequestRateStore, pluginStoreFor, readRequestCount, requestRateKey } from '../../src/limits/request-rate-store.js'
import { requestRateStoreContract } from './request-rate-store-contract.js'

requestRateStoreContract(t, async () => {
  const store = memoryRequestRateStore()
  return [store, store]
})

t.test('what @fastify/rate-limit counts through pluginStoreFor is read from the store it wraps', async (t) => {
  const store = memoryRequestRateStore()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(rateLimit, { store: pluginStoreFor(store), keyGenerator: () => requestRateKey('acme'), max: 5, timeWindow: 60_000 })
  app.get('/', async () => 'ok')
  for (let request = 0; request < 3; request++) t.equal((await app.inject('/')).statusCode, 200)
  t.equal((await readRequestCount(store, requestRateKey('acme'), 60_000, 5)).current, 3)
})
