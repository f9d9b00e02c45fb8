// REDIS_FAILURE_POLICY in isolation: what each policy does with a failed Redis operation, what is
// counted, and that a dead Redis does not flood the log.
import { Redis } from 'ioredis'
import t from 'tap'
import { GatewayError } from '../../src/errors/gateway-error.js'
import { pluginStoreFor } from '../../src/limits/request-rate-store.js'
import { redisRequestRateStore } from '../../src/shared-state/rate-limit-store.js'
import { RedisFailureGuard, type RedisFailurePolicy } from '../../src/shared-state/redis-failure-guard.js'
import { SharedStateCounters } from '../../src/shared-state/shared-state-events.js'

const redisDown = async () => { throw new Error('Connection is closed.') }

function guardWith (policy: RedisFailurePolicy) {
  const counters = new SharedStateCounters()
  const warnings: string[] = []
  const guard = new RedisFailureGuard(policy, counters, { warn: (_details, message) => { warnings.push(message) } })
  return { guard, counters, warnings }
}

t.test('fail-closed refuses with 503 shared_state_unavailable and counts it', async (t) => {
  const { guard, counters } = guardWith('fail-closed')
  const error = await guard.use('limits.tryConsume', redisDown, async () => 'memory').catch((caught: unknown) => caught)
  t.ok(error instanceof GatewayError)
  t.match(error, { status: 503, code: 'shared_state_unavailable', type: 'server_error', headers: { 'retry-after': '1' } })
  t.equal(counters.failures.get('limits.tryConsume:rejected'), 1)
})

t.test('fail-open runs the per-process operation instead and counts it', async (t) => {
  const { guard, counters } = guardWith('fail-open')
  t.equal(await guard.use('limits.tryConsume', redisDown, async () => 'memory'), 'memory')
  t.equal(counters.total('per_process'), 1)
})

t.test('a GatewayError from the Redis side is not a Redis failure', async (t) => {
  const { guard, counters } = guardWith('fail-closed')
  const limited = new GatewayError('rate_limit_exceeded', { message: 'limited' })
  t.equal(await guard.use('x', async () => { throw limited }, async () => 'memory').catch((caught: unknown) => caught), limited)
  t.equal(counters.failures.size, 0)
})

t.test('give-backs never throw: fail-closed skips them, fail-open does them in memory', async (t) => {
  const closed = guardWith('fail-closed')
  let ranInMemory = false
  await closed.guard.bestEffort('limits.giveBack', redisDown, async () => { ranInMemory = true })
  t.equal(ranInMemory, false)
  t.equal(closed.counters.total('ignored'), 1)
  const open = guardWith('fail-open')
  await open.guard.bestEffort('limits.giveBack', redisDown, async () => { ranInMemory = true })
  t.equal(ranInMemory, true)
})

t.test('a dead Redis makes one warning line per interval, not one per request', async (t) => {
  const { guard, counters, warnings } = guardWith('fail-open')
  for (let request = 0; request < 50; request++) await guard.use('limits.peek', redisDown, async () => 0)
  t.equal(warnings.length, 1)
  t.match(warnings[0], /per-process limits/)
  t.equal(counters.total('per_process'), 50, 'every failure is still counted')
})

t.test('the request-rate store: 503 when failing closed, the per-process store when failing open', async (t) => {
  const deadRedis = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true })
  deadRedis.on('error', () => {})
  t.teardown(() => deadRedis.disconnect())
  const incr = (policy: RedisFailurePolicy) => {
    // The class the plugin is given, as the gateway builds it.
    const Store = pluginStoreFor(redisRequestRateStore(deadRedis, 'test:', guardWith(policy).guard))
    const store = new Store({})
    return new Promise<{ error: Error | null, result?: { current: number } }>((resolve) => {
      store.incr('tenant:acme', (error, result) => resolve({ error, result }), 60_000, 10)
    })
  }
  const closed = await incr('fail-closed')
  t.match(closed.error, { status: 503, code: 'shared_state_unavailable' })
  const open = await incr('fail-open')
  t.equal(open.error, null)
  t.equal(open.result?.current, 1, 'counted by the plugin\'s LocalStore')
})
