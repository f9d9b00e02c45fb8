// REDIS_FAILURE_POLICY against a Redis that is unreachable, refuses connections, or hangs: answers
// come within the command timeout, per the policy, and everything recovers when Redis returns.
// Outages are made with a TCP proxy in front of the shared Redis, never by pausing Redis itself.
import t from 'tap'
import { SharedStateCounters } from '../../src/shared-state/shared-state-events.js'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { redisAvailable, testRedis } from '../helpers/redis.js'
import { redisTarget, redisUrlVia } from '../helpers/redis-via-proxy.js'
import { scrape } from '../helpers/metrics-text.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'
import type { Envelope } from '../helpers/envelope.js'
import { middayClock } from '../helpers/clock.js'
import { waitFor } from '../helpers/wait-for.js'

const CLOSED_PORT = 'redis://127.0.0.1:1'
const generate = (env: TestGateway) => env.post('/generate', { prompt: 'outage', size: '512x512' })

if (redisAvailable(t)) {
  t.test('fail-closed with Redis unreachable: 503 shared_state_unavailable, /readyz 503, counted', async (t) => {
    const counters = new SharedStateCounters()
    const env = await startTestGateway(t, { env: { REDIS_URL: CLOSED_PORT }, sharedStateEvents: counters })
    const refused = await generate(env)
    t.equal(refused.status, 503)
    const envelope = await refused.json() as Envelope
    t.equal(envelope.error.code, 'shared_state_unavailable')
    t.equal(refused.headers.get('retry-after'), '1')
    t.equal(env.simulator.stats.generationRequests, 0, 'nothing reaches the provider unchecked')
    t.equal((await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).status, 503)
    const ready = await fetch(`${env.url}/readyz`)
    t.equal(ready.status, 503)
    t.same(await ready.json(), { status: 'not_ready', checks: { storage: 'ok', redis: 'unavailable' } })
    t.equal((await fetch(`${env.url}/healthz`)).status, 200, 'alive all the same')
    t.ok(counters.total('rejected') >= 1, 'the refusals are counted')
    const metrics = await scrape(env.url)
    t.ok(metrics.value('igw_redis_failures_total', { outcome: 'rejected' }) >= 1, 'and exposed as a metric')
    t.match(metrics.text, /^igw_redis_up 0$/m, 'the connection is reported down')
    t.ok(env.logLines.some((line) => line.includes('Redis is not reachable at start')))
  })

  t.test('fail-open with Redis unreachable: 200 with per-process limits, a warning, counted; /readyz degraded', async (t) => {
    const counters = new SharedStateCounters()
    const env = await startTestGateway(t, { env: { REDIS_URL: CLOSED_PORT, REDIS_FAILURE_POLICY: 'fail-open', RATE_LIMIT_MAX: '2' }, sharedStateEvents: counters })
    t.equal((await generate(env)).status, 200)
    t.equal((await generate(env)).status, 200)
    const limited = await generate(env)
    t.equal(limited.status, 429, 'limits still apply, per process')
    t.equal(((await limited.json()) as Envelope).error.code, 'rate_limit_exceeded')
    t.ok(counters.total('per_process') >= 3, 'each fallback is counted')
    t.ok((await scrape(env.url)).value('igw_redis_failures_total', { outcome: 'per_process' }) >= 3, 'and exposed as a metric')
    t.ok(env.logLines.some((line) => line.includes('using per-process limits')), 'a warning says limits are per process')
    const ready = await fetch(`${env.url}/readyz`)
    t.equal(ready.status, 200, 'still in the load balancer: failing open means serving')
    t.same(await ready.json(), { status: 'degraded', checks: { storage: 'ok', redis: 'unavailable' } })
  })

  t.test('fail-closed recovers when Redis comes back, and the shared counts survived the outage', async (t) => {
    const redis = await testRedis(t)
    const proxy = await startTcpProxy(t, redisTarget(redis.url))
    const env = await startTestGateway(t, { env: { REDIS_URL: redisUrlVia(redis.url, proxy.port), REDIS_KEY_PREFIX: redis.prefix }, now: middayClock() })
    t.equal((await generate(env)).status, 200)
    await proxy.stop()
    const refused = await generate(env)
    t.equal(refused.status, 503)
    t.equal(((await refused.json()) as Envelope).error.code, 'shared_state_unavailable')
    t.equal((await fetch(`${env.url}/readyz`)).status, 503)
    await proxy.start()
    await waitFor(async () => (await fetch(`${env.url}/readyz`)).status === 200 ? true : undefined, '/readyz to be 200 again', 15_000)
    t.equal((await generate(env)).status, 200, 'generations work again')
    const usage = await (await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { images: { day: { used: number } } }
    t.equal(usage.images.day.used, 2, 'the count from before the outage is still there')
  })

  t.test('a Redis that hangs: requests answer 503 within the command timeout instead of hanging, then recover', async (t) => {
    const redis = await testRedis(t)
    const proxy = await startTcpProxy(t, redisTarget(redis.url))
    const counters = new SharedStateCounters()
    const env = await startTestGateway(t, { env: { REDIS_URL: redisUrlVia(redis.url, proxy.port), REDIS_KEY_PREFIX: redis.prefix, REDIS_COMMAND_TIMEOUT_MS: '300' }, sharedStateEvents: counters })
    t.equal((await generate(env)).status, 200)
    proxy.pause()
    const refused = await generate(env)
    t.equal(refused.status, 503, 'a command that gets no answer fails at the timeout')
    t.equal(((await refused.json()) as Envelope).error.code, 'shared_state_unavailable')
    t.equal((await fetch(`${env.url}/readyz`)).status, 503)
    proxy.resume()
    await waitFor(async () => (await generate(env)).status === 200 ? true : undefined, 'generations to work again', 15_000)
    t.pass('recovered')
  })

  t.test('fail-open goes back to shared limits once Redis returns', async (t) => {
    const redis = await testRedis(t)
    const proxy = await startTcpProxy(t, redisTarget(redis.url))
    const counters = new SharedStateCounters()
    const env = await startTestGateway(t, { env: { REDIS_URL: redisUrlVia(redis.url, proxy.port), REDIS_KEY_PREFIX: redis.prefix, REDIS_FAILURE_POLICY: 'fail-open' }, sharedStateEvents: counters })
    await proxy.stop()
    t.equal((await generate(env)).status, 200, 'served with per-process limits')
    const fallbacks = counters.total('per_process')
    t.ok(fallbacks >= 1)
    await proxy.start()
    await waitFor(async () => (await fetch(`${env.url}/readyz`).then((response) => response.json()) as { status: string }).status === 'ready' ? true : undefined, 'Redis to be back', 15_000)
    t.equal((await generate(env)).status, 200)
    t.equal(counters.total('per_process'), fallbacks, 'no more fallbacks once Redis answers')
    t.ok((await redis.keys()).some((key) => key.includes('limit:img:')), 'counts go to Redis again')
  })
}
