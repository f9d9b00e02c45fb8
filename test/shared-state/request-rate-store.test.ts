// The request-rate store with Redis: the plugin's RedisStore and our guarded store meet the same
// contract as the per-process one, and `read` follows REDIS_FAILURE_POLICY like `incr`.
import { Redis } from 'ioredis'
import t from 'tap'
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import { readRequestCount } from '../../src/limits/request-rate-store.js'
import { redisRequestRateStore } from '../../src/shared-state/rate-limit-store.js'
import { RedisFailureGuard, type RedisFailurePolicy } from '../../src/shared-state/redis-failure-guard.js'
import { SharedStateCounters } from '../../src/shared-state/shared-state-events.js'
import { redisAvailable, testRedis } from '../helpers/redis.js'
import { incr, requestRateStoreContract } from '../limits/request-rate-store-contract.js'

const quietLog = { warn () {} }

function guard (policy: RedisFailurePolicy, counters = new SharedStateCounters()) {
  return new RedisFailureGuard(policy, counters, quietLog)
}

t.test('with Redis down', async (t) => {
  const deadRedis = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true })
  deadRedis.on('error', () => {})
  t.teardown(() => deadRedis.disconnect())

  t.test('fail-closed: read is refused with 503 shared_state_unavailable, and counted', async (t) => {
    const counters = new SharedStateCounters()
    const store = redisRequestRateStore(deadRedis, 'test:', guard('fail-closed', counters))
    const error = await readRequestCount(store, 'tenant:acme', 60_000, 10).catch((caught: unknown) => caught)
    t.match(error, { status: 503, code: 'shared_state_unavailable' })
    t.equal(counters.failures.get('rate-limit.read:rejected'), 1)
  })

  t.test('fail-open: read answers what this process counted while Redis was down', async (t) => {
    const counters = new SharedStateCounters()
    const store = redisRequestRateStore(deadRedis, 'test:', guard('fail-open', counters))
    await incr(store, 'tenant:acme')
    await incr(store, 'tenant:acme')
    t.equal((await readRequestCount(store, 'tenant:acme', 60_000, 10)).current, 2)
    t.equal(counters.failures.get('rate-limit.read:per_process'), 1)
  })
})

if (redisAvailable(t)) {
  const connection = (t: { teardown(fn: () => unknown): void }, url: string) => {
    const redis = new Redis(url)
    t.teardown(() => redis.disconnect())
    return redis
  }

  t.test('the plugin\'s RedisStore', async (t) => {
    requestRateStoreContract(t, async (t) => {
      const redis = await testRedis(t)
      return [new RedisStore(false, false, connection(t, redis.url), redis.prefix), new RedisStore(false, false, connection(t, redis.url), redis.prefix)]
    })
  })

  t.test('the guarded store over Redis', async (t) => {
    requestRateStoreContract(t, async (t) => {
      const redis = await testRedis(t)
      return [
        redisRequestRateStore(connection(t, redis.url), redis.prefix, guard('fail-closed')),
        redisRequestRateStore(connection(t, redis.url), redis.prefix, guard('fail-closed'))
      ]
    })
  })
}
