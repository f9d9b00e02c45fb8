// The upstream fault matrix: each row is one way a provider fails, checked once with a single
// upstream (status, envelope, attempts, nothing kept, no quota used) and once with a fallback
// upstream configured (the caller gets the backup's images).
import t from 'tap'
import { TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { gatewayWithUpstreams } from '../helpers/upstreams.js'
import { faultRows as rows } from './fault-rows.js'
import type { Envelope } from '../helpers/envelope.js'
import { middayClock } from '../helpers/clock.js'
import { storedFiles } from '../helpers/stored-files.js'

async function imagesUsed (env: TestGateway): Promise<number> {
  // The day window; the gateways run on a clock that starts at midday UTC, so no boundary mid-test.
  const usage = await (await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { images: { day: { used: number } } }
  return usage.images.day.used
}

for (const row of rows) {
  t.test(`${row.name}, one upstream: ${row.status} ${row.code} after ${row.attempts} attempt(s), nothing kept, no quota used`, async (t) => {
    const { env, primary, events } = await gatewayWithUpstreams(t, { fallback: false, maxRetries: 2, env: row.env, primaryUrl: row.refused === true ? 'http://127.0.0.1:9/v1' : undefined, now: middayClock() })
    if (row.fault !== undefined) primary.setDefaultFault(row.fault)
    const response = await env.post('/generate', { prompt: `fault ${row.name}`, ...(row.fault?.kind === 'url-404' ? { model: 'dall-e-2' } : {}) }, { 'x-request-id': 'fault-row' })
    t.equal(response.status, row.status)
    t.equal(response.headers.get('x-request-id'), 'fault-row', 'the error answer carries the request id')
    for (const [name, value] of Object.entries(row.headers ?? {})) t.equal(response.headers.get(name), value, name)
    const envelope = await response.json() as Envelope
    t.equal(envelope.error.code, row.code)
    t.type(envelope.error.message, 'string')
    t.equal(events.attempts.primary ?? 0, row.attempts, 'attempts')
    t.same(await storedFiles(env), [], 'no files kept')
    t.equal(await imagesUsed(env), 0, 'the quota was not consumed')
  })
}

// A body that trickles in is bounded by the overall deadline, not the per-attempt timeout (the SDK's
// timeout ends when the headers arrive), so it cannot leave time for a fallback: it is a 504 above.
for (const row of rows.filter((candidate) => candidate.fault?.kind !== 'slow-body')) {
  t.test(`${row.name}, with a fallback: the backup upstream answers 200`, async (t) => {
    const { env, primary, backup, events } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 0, primaryUrl: row.refused === true ? 'http://127.0.0.1:9/v1' : undefined, now: middayClock() })
    if (row.fault !== undefined) primary.setDefaultFault(row.fault)
    const response = await env.post('/generate', { prompt: `fallback ${row.name}`, n: 2 })
    t.equal(response.status, 200)
    const answer = await response.json() as { id: string, data: Array<{ url: string }> }
    t.equal(answer.data.length, 2)
    t.equal(events.attempts.primary ?? 0, 1, 'one attempt at the primary')
    t.equal(backup.stats.generationRequests, 1, 'one call to the backup')
    t.equal(events.fallbacks[0]?.from, 'primary')
    t.equal(events.fallbacks[0]?.to, 'backup')
    const record = await (await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { upstream: { name: string } }
    t.equal(record.upstream.name, 'backup', 'the manifest says which upstream made the images')
    t.equal(await imagesUsed(env), 2, 'only the delivered images count')
  })
}

t.test('a provider 400 is the caller\'s problem: no fallback, the message passes through', async (t) => {
  const { env, primary, backup } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 2 })
  primary.setDefaultFault({ kind: 'status', status: 400, code: 'content_policy_violation', message: 'Rejected by the safety system.' })
  const response = await env.post('/generate', { prompt: 'forbidden' })
  t.equal(response.status, 400)
  t.equal((await response.json() as Envelope).error.code, 'content_policy_violation')
  t.equal(primary.stats.generationRequests, 1, 'no retry')
  t.equal(backup.stats.generationRequests, 0, 'no fallback')
})
