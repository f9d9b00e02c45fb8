import { Redis } from 'ioredis'
import t from 'tap'
import { RedisIdempotencyStore } from '../../src/idempotency/redis-idempotency-store.js'
import { redisAvailable, testRedis } from '../helpers/redis.js'
import { idempotencyStoreContract } from './idempotency-store-contract.js'

if (redisAvailable(t)) {
  const openStore = (t: { teardown(fn: () => unknown): void }, url: string, prefix: string) => {
    const connection = new Redis(url)
    t.teardown(() => connection.disconnect())
    return new RedisIdempotencyStore(connection, prefix)
  }

  idempotencyStoreContract(t, async (t) => {
    const redis = await testRedis(t)
    return [openStore(t, redis.url, redis.prefix), openStore(t, redis.url, redis.prefix)]
  })

  t.test('records live under the prefix with the answer TTL', async (t) => {
    const redis = await testRedis(t)
    const store = openStore(t, redis.url, redis.prefix)
    await store.claim('acme:key-1', 'fp', 60_000)
    await store.complete('acme:key-1', 'fp', 'gen_1', 3_600_000)
    t.same(await redis.keys(), [`${redis.prefix}acme:key-1`])
    const ttl = await redis.client.pttl(`${redis.prefix}acme:key-1`)
    t.ok(ttl > 3_500_000 && ttl <= 3_600_000)
  })

  t.test('a record written when records held a copy of the answer is read as its generation id', async (t) => {
    const redis = await testRedis(t)
    const store = openStore(t, redis.url, redis.prefix)
    const before = { state: 'done', fingerprint: 'fp', response: { id: 'gen_1', created: 1, size: '1024x1024' } }
    await redis.client.set(`${redis.prefix}acme:key-1`, JSON.stringify(before), 'PX', 60_000)
    t.same(await store.get('acme:key-1'), { state: 'done', fingerprint: 'fp', generationId: 'gen_1' })
  })
}
