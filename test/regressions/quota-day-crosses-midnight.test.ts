// What broke: the image quota's day (and minute) windows were read from the real clock, so quota
// tests over HTTP failed when the suite ran across midnight UTC, and nothing could test the day
// boundary itself. The gateway's clock (startGateway's `now`) now drives the quota windows, the
// usage route and the in-memory counters; here it stands still half a second before midnight.
import t, { type Test } from 'tap'
import { frozenClock, nextMidnightUtc } from '../helpers/clock.js'
import type { Envelope } from '../helpers/envelope.js'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import { REDIS_URL, testRedis } from '../helpers/redis.js'

const KEY = 'midnight-key-0123456789'

interface DayWindow { used: number, limit: number, remaining: number, reset_seconds: number }

async function dayUsage (env: TestGateway): Promise<DayWindow> {
  const response = await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${KEY}` } })
  return (await response.json() as { images: { day: DayWindow } }).images.day
}

async function dayBoundary (t: Test, sharedState: Record<string, string>): Promise<void> {
  const midnight = nextMidnightUtc()
  const clock = frozenClock(midnight - 500)
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: [KEY], policy: { images: { perMinute: 100, perDay: 2 } } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, ...sharedState }, now: clock })
  const generate = (n: number) => env.post('/generate', { prompt: 'midnight', n }, { authorization: `Bearer ${KEY}` })

  t.equal((await generate(2)).status, 200)
  const refused = await generate(1)
  t.equal(refused.status, 429)
  t.equal(refused.headers.get('retry-after'), '1', 'the day frees at midnight, under a second away')
  t.equal(refused.headers.get('x-should-retry'), 'false')
  const envelope = await refused.json() as Envelope
  t.same(envelope, { error: { ...envelope.error, type: 'rate_limit_error', param: null, code: 'image_quota_exceeded' } })
  t.match(envelope.error.message, /2 of 2 images used this day \(UTC\), 1 asked/)
  t.same(await dayUsage(env), { used: 2, limit: 2, remaining: 0, reset_seconds: 1 })

  clock.advance(1000) // 00:00:00.5 of the next day
  t.equal((await generate(1)).status, 200, 'a new day admits again')
  t.same(await dayUsage(env), { used: 1, limit: 2, remaining: 1, reset_seconds: 86_400 })
  t.equal(env.simulator.stats.generationRequests, 2, 'the refused call never reached the provider')
}

t.test('a daily image quota used up just before midnight UTC is refused until midnight, then resets', async (t) => {
  await dayBoundary(t, {})
})

t.test('the same with the counters in Redis', async (t) => {
  if (REDIS_URL === undefined || REDIS_URL === '') {
    t.comment('skipped: REDIS_URL is not set; export REDIS_URL=redis://127.0.0.1:6379 to run it')
    return
  }
  const redis = await testRedis(t)
  await dayBoundary(t, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix })
})
