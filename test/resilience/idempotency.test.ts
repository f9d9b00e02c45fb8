import t from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import type { Envelope } from '../helpers/envelope.js'
import { middayClock } from '../helpers/clock.js'

interface Answer { id: string, data: Array<{ url: string, b64_json?: string }> }
const usedImages = async (url: string) => ((await (await fetch(`${url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json()) as { images: { day: { used: number } } }).images.day.used

t.test('a repeated Idempotency-Key returns the stored answer without calling the provider or billing again', async (t) => {
  const env = await startTestGateway(t, { now: middayClock() })
  const first = await env.post('/generate', { prompt: 'once', n: 2 }, { 'idempotency-key': 'order-1' })
  t.equal(first.status, 200)
  t.equal(first.headers.get('idempotent-replayed'), null)
  const firstAnswer = await first.json() as Answer
  const again = await env.post('/generate', { n: 2, prompt: 'once' }, { 'idempotency-key': 'order-1' })
  t.equal(again.status, 200)
  t.equal(again.headers.get('idempotent-replayed'), 'true')
  t.same(await again.json(), firstAnswer, 'same generation id, same links (field order does not matter)')
  t.equal(env.simulator.stats.generationRequests, 1, 'one provider call')
  t.equal(await usedImages(env.url), 2, 'billed once')
})

t.test('a replay of a b64_json request carries the same base64', async (t) => {
  const env = await startTestGateway(t)
  const first = await (await env.post('/generate', { prompt: 'b64', response_format: 'b64_json' }, { 'idempotency-key': 'b64-1' })).json() as Answer
  const replay = await (await env.post('/generate', { prompt: 'b64', response_format: 'b64_json' }, { 'idempotency-key': 'b64-1' })).json() as Answer
  t.equal(replay.id, first.id)
  t.equal(replay.data[0]?.b64_json, first.data[0]?.b64_json)
})

t.test('concurrent duplicates wait for the first and get its answer: one provider call', async (t) => {
  const env = await startTestGateway(t, { simulator: { latencyMs: 500 } })
  const responses = await Promise.all(Array.from({ length: 5 }, () => env.post('/generate', { prompt: 'concurrent' }, { 'idempotency-key': 'same-time' })))
  t.same(responses.map((response) => response.status), [200, 200, 200, 200, 200])
  const ids = new Set(await Promise.all(responses.map(async (response) => (await response.json() as Answer).id)))
  t.equal(ids.size, 1, 'one generation')
  t.equal(env.simulator.stats.generationRequests, 1)
  t.equal(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true').length, 4)
})

t.test('the same key with a different body is a 409 that the SDK is told not to retry', async (t) => {
  const env = await startTestGateway(t)
  await env.post('/generate', { prompt: 'original' }, { 'idempotency-key': 'reused' })
  const conflict = await env.post('/generate', { prompt: 'different' }, { 'idempotency-key': 'reused' })
  t.equal(conflict.status, 409)
  t.equal(conflict.headers.get('x-should-retry'), 'false')
  const envelope = await conflict.json() as Envelope
  t.equal(envelope.error.code, 'idempotency_key_reused')
  t.equal(envelope.error.param, 'Idempotency-Key')
  t.equal(env.simulator.stats.generationRequests, 1)
})

t.test('keys are per tenant, and a failed generation can be retried with the same key', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'status', status: 500 })
  t.equal((await env.post('/generate', { prompt: 'retry me' }, { 'idempotency-key': 'flaky' })).status, 502)
  const retried = await env.post('/generate', { prompt: 'retry me' }, { 'idempotency-key': 'flaky' })
  t.equal(retried.status, 200, 'the failure was not stored')
  t.equal(retried.headers.get('idempotent-replayed'), null)
})

t.test('an invalid Idempotency-Key is a 400 naming the header', async (t) => {
  const env = await startTestGateway(t)
  const response = await env.post('/generate', { prompt: 'x' }, { 'idempotency-key': 'x'.repeat(300) })
  t.equal(response.status, 400)
  t.equal((await response.json() as Envelope).error.param, 'Idempotency-Key')
})

t.test('a client that disconnects still gets its generation stored; an idempotent retry returns it', async (t) => {
  const env = await startTestGateway(t, { simulator: { latencyMs: 600 } })
  const controller = new AbortController()
  const gone = fetch(`${env.url}/generate`, {
    method: 'POST',
    signal: controller.signal,
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', 'idempotency-key': 'disconnect-1' },
    body: JSON.stringify({ prompt: 'keep me' })
  })
  // Give up while the provider is working on it.
  while (env.simulator.stats.generationRequests < 1) await new Promise((resolve) => setTimeout(resolve, 10))
  controller.abort()
  await t.rejects(gone, 'the client gave up')
  const list = async () => await (await fetch(`${env.url}/v1/generations`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { data: Array<{ id: string }> }
  let listed = await list()
  for (let wait = 0; listed.data.length === 0 && wait < 100; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    listed = await list()
  }
  t.equal(listed.data.length, 1, 'the generation was stored anyway')
  const retried = await env.post('/generate', { prompt: 'keep me' }, { 'idempotency-key': 'disconnect-1' })
  t.equal(retried.status, 200)
  t.equal(retried.headers.get('idempotent-replayed'), 'true')
  t.equal((await retried.json() as Answer).id, listed.data[0]?.id)
  t.equal(env.simulator.stats.generationRequests, 1, 'paid once')
})
