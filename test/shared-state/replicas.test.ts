// Two gateway replicas on one Redis and one bucket: limits and idempotency hold for the pair, not
// per process, and any replica serves any link.
import { createHash } from 'node:crypto'
import t from 'tap'
import { redisAvailable } from '../helpers/redis.js'
import { roundRobin, startReplicas, type Replica } from '../helpers/replicas.js'
import type { Envelope } from '../helpers/envelope.js'
import { middayClock } from '../helpers/clock.js'

interface Answer { id: string, data: Array<{ url: string, b64_json?: string }> }
interface Usage { images: { day: { used: number } }, in_flight: { used: number, limit: number } }

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const codeOf = async (response: Response) => ((await response.json()) as Envelope).error.code

/** Resolves once `count` of the promises have settled, with those results. */
async function firstSettled<T> (promises: Array<Promise<T>>, count: number): Promise<T[]> {
  const settled: T[] = []
  return await new Promise((resolve) => {
    for (const promise of promises) {
      void promise.then((value) => {
        settled.push(value)
        if (settled.length === count) resolve([...settled])
      })
    }
  })
}

const usageOf = async (replica: Replica) => await (await replica.get('/v1/usage')).json() as Usage

if (redisAvailable(t)) {
  t.test('a tenant with max = 10 sends 40 requests spread over two replicas: exactly 10 pass', async (t) => {
    const { replicas, simulator, redis } = await startReplicas(t, { policy: { rateLimit: { max: 10, timeWindow: '1 minute' }, maxInFlight: 100 } })
    const responses = await Promise.all(Array.from({ length: 40 }, (_, index) => roundRobin(replicas, index).post('/generate', { prompt: 'rate', size: '512x512' })))
    const passed = responses.filter((response) => response.status === 200)
    const limited = responses.filter((response) => response.status === 429)
    t.equal(passed.length, 10, 'exactly max requests pass for the pair')
    t.equal(limited.length, 30)
    t.same(new Set(await Promise.all(limited.map(codeOf))), new Set(['rate_limit_exceeded']))
    t.equal(simulator.stats.generationRequests, 10, 'limited requests never reach the provider')
    const keys = await redis.keys()
    t.ok(keys.some((key) => key.startsWith(`${redis.prefix}rate:`)), 'the request counter lives in Redis under the prefix')
    for (const key of keys) t.ok(await redis.client.pttl(key) > 0, `${key} expires`)
  })

  t.test('an image quota of 10 a day holds across replicas: 20 requests for 2 images, exactly 5 pass', async (t) => {
    const { replicas, simulator } = await startReplicas(t, { policy: { rateLimit: { max: 1000, timeWindow: '1 minute' }, images: { perMinute: 1000, perDay: 10 }, maxInFlight: 100 }, now: middayClock() })
    const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => roundRobin(replicas, index).post('/generate', { prompt: 'quota', n: 2, size: '512x512' })))
    t.equal(responses.filter((response) => response.status === 200).length, 5)
    const limited = responses.filter((response) => response.status === 429)
    t.equal(limited.length, 15)
    t.same(new Set(await Promise.all(limited.map(codeOf))), new Set(['image_quota_exceeded']))
    t.equal(simulator.stats.generationRequests, 5)
    for (const replica of replicas) t.equal((await usageOf(replica)).images.day.used, 10, 'both replicas report the shared count')
  })

  t.test('an in-flight cap of 3 holds across replicas while the provider holds requests, and frees when they end', async (t) => {
    const { replicas, simulator } = await startReplicas(t, { policy: { rateLimit: { max: 1000, timeWindow: '1 minute' }, maxInFlight: 3 } })
    simulator.setLatency(120_000)
    const requests = Array.from({ length: 10 }, (_, index) => roundRobin(replicas, index).post('/generate', { prompt: 'held', size: '512x512' }))
    const refused = await firstSettled(requests, 7)
    t.same(refused.map((response) => response.status), Array(7).fill(429), 'the 7 beyond the cap are refused while 3 are held')
    t.same(new Set(await Promise.all(refused.map(codeOf))), new Set(['too_many_in_flight']))
    for (const replica of replicas) t.same((await usageOf(replica)).in_flight, { used: 3, limit: 3 })
    await simulator.close() // the held provider calls fail; their slots must be released
    const held = (await Promise.all(requests)).filter((response) => !refused.includes(response))
    t.same(held.map((response) => response.status === 429), [false, false, false], 'the 3 admitted ones were not refused')
    for (const replica of replicas) t.equal((await usageOf(replica)).in_flight.used, 0, 'their slots are free again')
  })

  t.test('the same Idempotency-Key on replica A then replica B: one upstream call, one generation', async (t) => {
    const { replicas, simulator } = await startReplicas(t)
    const [a, b] = replicas as [Replica, Replica]
    const body = { prompt: 'once only', size: '512x512' }
    const first = await a.post('/generate', body, { 'idempotency-key': 'order-42' })
    t.equal(first.status, 200)
    const second = await b.post('/generate', body, { 'idempotency-key': 'order-42' })
    t.equal(second.status, 200)
    t.equal(second.headers.get('idempotent-replayed'), 'true')
    t.equal(((await second.json()) as Answer).id, ((await first.json()) as Answer).id, 'B answers with A\'s generation')
    t.equal(simulator.stats.generationRequests, 1)
    const listed = await (await b.get('/v1/generations')).json() as { data: unknown[] }
    t.equal(listed.data.length, 1, 'one generation stored')
    const reused = await b.post('/generate', { ...body, prompt: 'other' }, { 'idempotency-key': 'order-42' })
    t.equal(reused.status, 409, 'a different body with the key is refused on the other replica too')
  })

  t.test('the same Idempotency-Key concurrently on both replicas: one upstream call, both get the answer', async (t) => {
    const { replicas, simulator } = await startReplicas(t, { simulator: { latencyMs: 800 } })
    const [a, b] = replicas as [Replica, Replica]
    const body = { prompt: 'racing', size: '512x512' }
    const [fromA, fromB] = await Promise.all([a.post('/generate', body, { 'idempotency-key': 'race-1' }), b.post('/generate', body, { 'idempotency-key': 'race-1' })])
    t.equal(fromA.status, 200)
    t.equal(fromB.status, 200)
    t.equal(((await fromA.json()) as Answer).id, ((await fromB.json()) as Answer).id)
    t.equal(simulator.stats.generationRequests, 1, 'the duplicate on the other replica waited instead of calling the provider')
    t.same([fromA.headers.get('idempotent-replayed'), fromB.headers.get('idempotent-replayed')].sort(), [null, 'true'])
  })

  t.test('a link returned by replica A downloads from replica B', async (t) => {
    const [a, b] = (await startReplicas(t)).replicas as [Replica, Replica]
    const answer = await (await a.post('/generate', { prompt: 'shared link', size: '512x512', response_format: 'b64_json' })).json() as Answer
    const link = answer.data[0]?.url as string
    t.ok(link.startsWith(a.url))
    const fromB = await fetch(link.replace(a.url, b.url))
    t.equal(fromB.status, 200)
    t.equal(sha256(Buffer.from(await fromB.arrayBuffer())), sha256(Buffer.from(answer.data[0]?.b64_json as string, 'base64')), 'the same bytes')
  })

  t.test('/readyz reports Redis', async (t) => {
    const [a] = (await startReplicas(t, { count: 1 })).replicas as [Replica]
    const ready = await fetch(`${a.url}/readyz`)
    t.equal(ready.status, 200)
    t.same(await ready.json(), { status: 'ready', checks: { storage: 'ok', redis: 'ok' } })
  })
}
