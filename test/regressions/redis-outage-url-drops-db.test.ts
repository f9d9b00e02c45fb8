// What broke: the Redis outage tests put a TCP proxy in front of the test Redis and rebuilt the
// gateway's URL as `redis://127.0.0.1:<proxy port>`, dropping the DB number, credentials and TLS
// of REDIS_URL. With REDIS_URL=…/7 the gateway wrote into DB 0 (and against a Redis with a
// password it failed). The proxied URL must keep everything but host and port.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { keysUnder, REDIS_URL } from '../helpers/redis.js'
import { redisTarget, redisUrlVia } from '../helpers/redis-via-proxy.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

t.test('the proxied Redis URL keeps protocol, credentials, DB number and options; only host and port change', async (t) => {
  t.equal(redisUrlVia('redis://:secret@cache:6380/7', 40001), 'redis://:secret@127.0.0.1:40001/7')
  t.equal(redisUrlVia('rediss://gateway:p%40ss@redis.example.com/3?family=6', 40002), 'rediss://gateway:p%40ss@127.0.0.1:40002/3?family=6')
  t.equal(redisUrlVia('redis://127.0.0.1:6379', 40003), 'redis://127.0.0.1:40003')
  t.same(redisTarget('rediss://u:p@redis.example.com/3'), { host: 'redis.example.com', port: 6379 })
  t.same(redisTarget('redis://10.0.0.5:6380/7'), { host: '10.0.0.5', port: 6380 })
})

const withDb = (url: string, db: number) => Object.assign(new URL(url), { pathname: `/${db}` }).toString()

t.test('a gateway behind the outage proxy writes into the DB named in REDIS_URL, not DB 0', async (t) => {
  if (REDIS_URL === undefined || REDIS_URL === '') {
    t.comment('skipped: REDIS_URL is not set; export REDIS_URL=redis://127.0.0.1:6379 to run it')
    return
  }
  const prefix = `igw-test:${randomBytes(6).toString('hex')}:`
  const db7 = new Redis(withDb(REDIS_URL, 7), { maxRetriesPerRequest: 1 })
  const db0 = new Redis(withDb(REDIS_URL, 0), { maxRetriesPerRequest: 1 })
  t.teardown(async () => {
    for (const client of [db7, db0]) {
      const left = await keysUnder(client, prefix)
      if (left.length > 0) await client.del(...left)
      client.disconnect()
    }
  })
  const proxy = await startTcpProxy(t, redisTarget(REDIS_URL))
  const env = await startTestGateway(t, { env: { REDIS_URL: redisUrlVia(withDb(REDIS_URL, 7), proxy.port), REDIS_KEY_PREFIX: prefix } })
  t.equal((await env.post('/generate', { prompt: 'which db', size: '512x512' })).status, 200)
  t.ok((await keysUnder(db7, prefix)).some((key) => key.includes('limit:img:')), 'the image count is in DB 7')
  t.same(await keysUnder(db0, prefix), [], 'nothing was written into DB 0')
})
