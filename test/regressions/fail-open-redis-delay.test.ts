// With REDIS_FAILURE_POLICY=fail-open, a hung Redis (connected, never answering) once cost a request
// one command timeout per Redis command it made (3 s seen against the documented 1 s). Now the first
// timeout trips a breaker: the rest of that request, and the requests after it, skip Redis until a
// background probe gets an answer. Counted by the commands the hung Redis received, not by a clock.
import t from 'tap'
import { SharedStateCounters } from '../../src/shared-state/shared-state-events.js'
import { startFreezingRedisProxy } from '../helpers/freezing-redis-proxy.js'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { redisAvailable, testRedis } from '../helpers/redis.js'
import { waitFor } from '../helpers/wait-for.js'

const generate = (env: TestGateway) => env.post('/generate', { prompt: 'hung redis', size: '512x512' })
// Health checks and the connection handshake are not a request's commands.
const requestCommands = (names: string[]) => names.filter((name) => name !== 'PING' && name !== 'INFO')

if (redisAvailable(t)) {
  t.test('fail-open with a hung Redis: one generation sends one command to it, not one per shared-state operation, and later ones send none', async (t) => {
    const redis = await testRedis(t)
    const proxy = await startFreezingRedisProxy(t, redis.url)
    const counters = new SharedStateCounters()
    const env = await startTestGateway(t, {
      env: { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: redis.prefix, REDIS_FAILURE_POLICY: 'fail-open', REDIS_COMMAND_TIMEOUT_MS: '500' },
      sharedStateEvents: counters
    })
    t.equal((await generate(env)).status, 200, 'served through Redis first')
    proxy.freeze()

    const during = await generate(env)
    t.equal(during.status, 200, 'served with per-process limits')
    const fellBack = counters.total('per_process')
    t.ok(fellBack >= 3, `every shared-state operation of the request fell back to memory (${fellBack})`)
    t.same(requestCommands(proxy.frozenCommands).length, 1, `only the first command waited on the hung Redis (sent: ${proxy.frozenCommands.join(', ')})`)

    t.equal((await generate(env)).status, 200)
    t.same(requestCommands(proxy.frozenCommands).length, 1, 'the next request does not wait on it at all')
    t.ok(counters.total('per_process') > fellBack, 'and is counted as per-process')

    proxy.thaw()
    await waitFor(async () => ((await (await fetch(`${env.url}/readyz`)).json()) as { status: string }).status === 'ready' ? true : undefined, 'Redis answers again')
    const before = counters.total('per_process')
    t.equal((await generate(env)).status, 200)
    t.equal(counters.total('per_process'), before, 'once a probe gets an answer, requests use Redis again')
    const usage = await (await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { images: { day: { used: number } } }
    t.equal(usage.images.day.used, 2, 'the shared count has the requests made through Redis (before and after the outage)')
  })
}
