// Regression: replaying a `url` request by its Idempotency-Key after its generation was deleted
// answered 200 with the stored answer: links that answer 404. The idempotency record now keeps the
// generation id and every replay re-reads the manifest; a deleted generation is 410
// generation_deleted whatever the response_format.
import t, { type Test } from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'

interface Answer { id: string, data: Array<{ url: string, b64_json?: string }> }

const GONE = {
  error: {
    message: 'The generation this Idempotency-Key produced has been deleted.',
    type: 'not_found_error',
    param: null,
    code: 'generation_deleted'
  }
}

async function generateThenDelete (t: Test, env: TestGateway, body: Record<string, unknown>, key: string): Promise<Answer> {
  const first = await env.post('/generate', body, { 'idempotency-key': key })
  t.equal(first.status, 200)
  const answer = await first.json() as Answer
  const deleted = await fetch(`${env.url}/v1/generations/${answer.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TEST_KEY}` } })
  t.equal(deleted.status, 200, 'deleted')
  t.equal((await fetch(answer.data[0]?.url as string)).status, 404, 'its link answers 404')
  return answer
}

for (const responseFormat of ['url', 'b64_json'] as const) {
  t.test(`a ${responseFormat} replay after the generation was deleted is a 410, without a new provider call`, async (t) => {
    const env = await startTestGateway(t)
    const body = { prompt: `deleted ${responseFormat}`, response_format: responseFormat }
    await generateThenDelete(t, env, body, `deleted-${responseFormat}`)
    const replay = await env.post('/generate', body, { 'idempotency-key': `deleted-${responseFormat}` })
    t.equal(replay.status, 410)
    t.equal(replay.headers.get('content-type'), 'application/json; charset=utf-8')
    t.same(await replay.json(), GONE)
    t.equal(env.simulator.stats.generationRequests, 1, 'not generated again')
  })
}

t.test('a replay between two deletes of other generations still answers its own, live generation', async (t) => {
  const env = await startTestGateway(t)
  const kept = await (await env.post('/generate', { prompt: 'kept' }, { 'idempotency-key': 'kept' })).json() as Answer
  await generateThenDelete(t, env, { prompt: 'gone' }, 'gone')
  const replay = await env.post('/generate', { prompt: 'kept' }, { 'idempotency-key': 'kept' })
  t.equal(replay.status, 200)
  t.same(await replay.json(), kept)
  t.equal((await fetch(kept.data[0]?.url as string)).status, 200, 'and its link works')
})
