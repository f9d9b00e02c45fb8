import type { Static } from '@sinclair/typebox'
import t from 'tap'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import type { Envelope } from '../helpers/envelope.js'
import { middayClock } from '../helpers/clock.js'
import type { UsageResponse } from '../../src/schemas/usage.js'

const KEY = 'limited-key-0123456789'

async function gatewayWithPolicy (t: Parameters<typeof startTestGateway>[0], policy: Record<string, unknown>, simulator = {}, clock = middayClock()): Promise<TestGateway> {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: [KEY], policy }])
  // Quota windows run on a clock that starts at midday UTC: no day or minute boundary mid-test.
  return await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile }, simulator, now: clock })
}

const generate = (env: TestGateway, body: Record<string, unknown>) =>
  env.post('/generate', { prompt: 'limits', ...body }, { authorization: `Bearer ${KEY}` })

t.test('with max = 5, exactly 5 of 20 concurrent requests pass, with correct headers', async (t) => {
  const env = await gatewayWithPolicy(t, { rateLimit: { max: 5, timeWindow: '1 minute' } })
  const responses = await Promise.all(Array.from({ length: 20 }, () => generate(env, {})))
  const passed = responses.filter((response) => response.status === 200)
  const limited = responses.filter((response) => response.status === 429)
  t.equal(passed.length, 5)
  t.equal(limited.length, 15)
  t.equal(env.simulator.stats.generationRequests, 5, 'limited requests never reach the provider')
  for (const response of passed) {
    t.equal(response.headers.get('x-ratelimit-limit'), '5')
    t.ok(Number(response.headers.get('x-ratelimit-reset')) > 0)
  }
  t.same(passed.map((response) => Number(response.headers.get('x-ratelimit-remaining'))).sort(), [0, 1, 2, 3, 4])
  const rejected = limited[0] as Response
  t.equal(rejected.headers.get('x-ratelimit-remaining'), '0')
  t.ok(Number(rejected.headers.get('retry-after')) >= 1)
  const envelope = await rejected.json() as Envelope
  t.equal(envelope.error.code, 'rate_limit_exceeded')
  t.equal(envelope.error.type, 'rate_limit_error')
})

t.test('the request window resets', async (t) => {
  // A window long enough that three requests fit in it even on a loaded machine.
  const env = await gatewayWithPolicy(t, { rateLimit: { max: 2, timeWindow: 2500 } })
  t.equal((await generate(env, {})).status, 200)
  t.equal((await generate(env, {})).status, 200)
  const limited = await generate(env, {})
  t.equal(limited.status, 429)
  await new Promise((resolve) => setTimeout(resolve, Number(limited.headers.get('x-ratelimit-reset') ?? 3) * 1000 + 200))
  t.equal((await generate(env, {})).status, 200, 'a new window admits again')
})

// Quotas over real HTTP use the day window (a minute boundary mid-test would reset a minute quota);
// the minute window is tested with a fake clock in image-admission.test.ts.
t.test('n=4 twice against an image quota of 6: the second is a 429 and never reaches the provider', async (t) => {
  const clock = middayClock()
  const env = await gatewayWithPolicy(t, { images: { perMinute: 100, perDay: 6 } }, {}, clock)
  t.equal((await generate(env, { n: 4 })).status, 200)
  const second = await generate(env, { n: 4 })
  t.equal(second.status, 429)
  const secondsToMidnight = Math.ceil((86_400_000 - (clock() % 86_400_000)) / 1000)
  t.ok(Math.abs(Number(second.headers.get('retry-after')) - secondsToMidnight) <= 2, 'retry-after: when the day frees')
  const envelope = await second.json() as Envelope
  t.equal(envelope.error.code, 'image_quota_exceeded')
  t.match(envelope.error.message, /4 of 6 images used this day \(UTC\), 4 asked/)
  t.equal(env.simulator.stats.generationRequests, 1)
  t.equal((await generate(env, { n: 2 })).status, 200, 'what is left can still be used')
})

t.test('a used-up daily quota tells the SDK not to retry', async (t) => {
  const env = await gatewayWithPolicy(t, { images: { perMinute: 100, perDay: 1 } })
  t.equal((await generate(env, {})).status, 200)
  const refused = await generate(env, {})
  t.equal(refused.status, 429)
  t.equal(refused.headers.get('x-should-retry'), 'false')
  t.match((await refused.json() as Envelope).error.message, /this day \(UTC\)/)
})

t.test('a failed provider call does not consume the image quota', async (t) => {
  const env = await gatewayWithPolicy(t, { images: { perMinute: 100, perDay: 4 } })
  env.simulator.pushFault({ kind: 'status', status: 500 }, 3)
  for (let attempt = 0; attempt < 3; attempt++) t.equal((await generate(env, { n: 4 })).status, 502)
  t.equal((await generate(env, { n: 4 })).status, 200, 'the full quota is still there')
  const usage = await (await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${KEY}` } })).json() as { images: { day: { used: number, remaining: number } }, in_flight: { used: number } }
  t.equal(usage.images.day.used, 4)
  t.equal(usage.images.day.remaining, 0)
  t.equal(usage.in_flight.used, 0, 'every slot was released')
})

t.test('the (max+1)-th concurrent generation is a 429 while the others are held by the provider', async (t) => {
  const env = await gatewayWithPolicy(t, { maxInFlight: 2 }, { latencyMs: 1500 })
  const held = [generate(env, {}), generate(env, {})]
  // Both are admitted once the provider has them.
  while (env.simulator.stats.generationRequests < 2) await new Promise((resolve) => setTimeout(resolve, 10))
  const third = await generate(env, {})
  t.equal(third.status, 429)
  t.equal((await third.json() as Envelope).error.code, 'too_many_in_flight')
  t.same((await Promise.all(held)).map((response) => response.status), [200, 200])
  t.equal((await generate(env, {})).status, 200, 'slots free again once they finish')
})

t.test('GET /v1/usage reports the windows and what is left', async (t) => {
  const env = await gatewayWithPolicy(t, { rateLimit: { max: 50, timeWindow: '1 minute' }, images: { perMinute: 10, perDay: 30 }, maxInFlight: 3 })
  await generate(env, { n: 3 })
  const response = await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${KEY}` } })
  t.equal(response.status, 200)
  const usage = await response.json() as Static<typeof UsageResponse>
  t.equal(usage.tenant, 'acme')
  t.equal(usage.images.minute.limit, 10)
  t.equal(usage.images.minute.used + usage.images.minute.remaining, 10)
  t.same(usage.images.day, { ...usage.images.day, used: 3, limit: 30, remaining: 27 })
  t.same(usage.requests, { ...usage.requests, used: 2, limit: 50, remaining: 48 })
  t.same(usage.in_flight, { used: 0, limit: 3 })
})
