import t from 'tap'
import { CircuitBreaker } from '../../src/upstream/circuit-breaker.js'
import { gatewayWithUpstreams } from '../helpers/upstreams.js'

t.test('the breaker opens after N failures, lets one probe through after the cooldown, and closes on success', async (t) => {
  let now = 0
  const states: string[] = []
  const breaker = new CircuitBreaker({ failures: 2, cooldownMs: 1000, now: () => now, onChange: (state) => states.push(state) })
  t.ok(breaker.tryAcquire())
  breaker.failure()
  t.ok(breaker.tryAcquire(), 'one failure is not enough')
  breaker.failure()
  t.equal(breaker.state, 'open')
  t.notOk(breaker.tryAcquire(), 'open: skipped')
  t.equal(breaker.retryInMs, 1000)
  now = 1000
  t.ok(breaker.tryAcquire(), 'after the cooldown: one probe')
  t.notOk(breaker.tryAcquire(), 'only one probe at a time')
  breaker.failure()
  t.equal(breaker.state, 'open', 'a failed probe reopens')
  now = 2000
  t.ok(breaker.tryAcquire())
  breaker.success()
  t.equal(breaker.state, 'closed')
  t.same(states, ['open', 'half-open', 'open', 'half-open', 'closed'])
})

t.test('an upstream that keeps failing is skipped: straight to the fallback, then probed again later', async (t) => {
  // The breakers' clock is moved by hand: a real cooldown short enough to sleep through could
  // also pass while the first calls run on a loaded machine.
  let skewMs = 0
  const { env, primary, backup, events } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 0, now: () => Date.now() + skewMs, env: { BREAKER_FAILURES: '2', BREAKER_COOLDOWN_MS: '60000' } })
  primary.setDefaultFault({ kind: 'status', status: 503 })
  for (let call = 0; call < 4; call++) t.equal((await env.post('/generate', { prompt: `breaker ${call}` })).status, 200)
  t.equal(primary.stats.generationRequests, 2, 'after 2 failures the primary is no longer called')
  t.equal(backup.stats.generationRequests, 4)
  t.same(events.breakers, [{ upstream: 'primary', state: 'open' }])
  primary.setDefaultFault(undefined)
  t.equal((await env.post('/generate', { prompt: 'still open' })).status, 200)
  t.equal(primary.stats.generationRequests, 2, 'still skipped before the cooldown ends')
  skewMs = 60_001
  t.equal((await env.post('/generate', { prompt: 'probe' })).status, 200)
  t.equal(primary.stats.generationRequests, 3, 'the probe went to the primary')
  t.same(events.breakers.map((entry) => entry.state), ['open', 'half-open', 'closed'])
})

t.test('when every upstream is skipped the answer is a 503 with retry-after', async (t) => {
  const { env, primary } = await gatewayWithUpstreams(t, { fallback: false, maxRetries: 0, env: { BREAKER_FAILURES: '1', BREAKER_COOLDOWN_MS: '30000' } })
  primary.setDefaultFault({ kind: 'status', status: 500 })
  t.equal((await env.post('/generate', { prompt: 'fail' })).status, 502)
  const skipped = await env.post('/generate', { prompt: 'skipped' })
  t.equal(skipped.status, 503)
  t.ok(Number(skipped.headers.get('retry-after')) > 20)
  t.equal((await skipped.json() as { error: { code: string } }).error.code, 'upstreams_unavailable')
  t.equal(primary.stats.generationRequests, 1)
})
