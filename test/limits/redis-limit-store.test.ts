import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import t from 'tap'
import { RedisLimitStore } from '../../src/limits/redis-limit-store.js'
import { redisAvailable, testRedis } from '../helpers/redis.js'
import { limitStoreContract } from './limit-store-contract.js'

if (redisAvailable(t)) {
  const openConnection = (t: { teardown(fn: () => unknown): void }, url: string) => {
    const connection = new Redis(url)
    t.teardown(() => connection.disconnect())
    return connection
  }

  limitStoreContract(t, async (t) => {
    const redis = await testRedis(t)
    return [
      new RedisLimitStore(openConnection(t, redis.url), redis.prefix),
      new RedisLimitStore(openConnection(t, redis.url), redis.prefix)
    ]
  })

  t.test('every key is under the prefix and expires: counters at resetAt, pools with their last lease', async (t) => {
    const redis = await testRedis(t)
    const store = new RedisLimitStore(openConnection(t, redis.url), redis.prefix)
    const resetAt = Date.now() + 60_000
    await store.tryConsume([{ key: 'img:{acme}:m:1', limit: 10, resetAt }], 1)
    await store.leaseSlot('inflight:{acme}', randomUUID(), 2, 30_000)
    const keys = (await redis.keys()).sort()
    t.same(keys, [`${redis.prefix}img:{acme}:m:1`, `${redis.prefix}inflight:{acme}`])
    t.equal(await redis.client.pexpiretime(`${redis.prefix}img:{acme}:m:1`), resetAt, 'the counter expires at its resetAt')
    const poolTtl = await redis.client.pttl(`${redis.prefix}inflight:{acme}`)
    t.ok(poolTtl > 25_000 && poolTtl <= 30_000, 'the pool expires with its lease')
  })

  t.test('give-backs keep the counter expiry', async (t) => {
    const redis = await testRedis(t)
    const store = new RedisLimitStore(openConnection(t, redis.url), redis.prefix)
    const resetAt = Date.now() + 60_000
    await store.tryConsume([{ key: 'c', limit: 10, resetAt }], 3)
    await store.giveBack(['c'], 5)
    t.equal(await redis.client.get(`${redis.prefix}c`), '0')
    t.equal(await redis.client.pexpiretime(`${redis.prefix}c`), resetAt)
  })
}
