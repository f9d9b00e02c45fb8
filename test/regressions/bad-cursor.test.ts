// Regression: GET /v1/generations?after=<not a generation id> answered 200 with an empty page, so a
// client with a corrupted cursor silently concluded it had seen everything. A bad cursor is a 400
// that names `after`.
import t from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import type { Envelope } from '../helpers/envelope.js'

const headers = { authorization: `Bearer ${TEST_KEY}` }

t.test('a cursor that is not a generation id is a 400 naming after', async (t) => {
  const env = await startTestGateway(t)
  t.equal((await env.post('/generate', { prompt: 'one stored generation' })).status, 200)
  for (const cursor of ['bogus', '..%2F..', 'gen_zzzz', `gen_${'0'.repeat(35)}`, `gen_${'A'.repeat(36)}`]) {
    const response = await fetch(`${env.url}/v1/generations?after=${cursor}`, { headers })
    t.equal(response.status, 400, `after=${cursor} → 400`)
    t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
    const envelope = await response.json() as Envelope
    t.same(envelope, {
      error: {
        message: "Invalid value for 'after': expected the last_id of the previous page (a generation id: gen_ and 36 lowercase hex digits).",
        type: 'invalid_request_error',
        param: 'after',
        code: 'invalid_value'
      }
    }, `after=${cursor}: the envelope names the field`)
  }
})

t.test('a real cursor still pages, and one past the oldest generation is an empty page', async (t) => {
  const env = await startTestGateway(t)
  for (const prompt of ['first', 'second']) t.equal((await env.post('/generate', { prompt })).status, 200)
  const page = await (await fetch(`${env.url}/v1/generations?limit=1`, { headers })).json() as { data: Array<{ id: string }>, last_id: string, has_more: boolean }
  t.equal(page.data.length, 1)
  t.equal(page.has_more, true)
  const next = await fetch(`${env.url}/v1/generations?limit=1&after=${page.last_id}`, { headers })
  t.equal(next.status, 200)
  const rest = await next.json() as { data: Array<{ id: string }>, last_id: string, has_more: boolean }
  t.equal(rest.data.length, 1)
  t.not(rest.data[0]?.id, page.last_id)
  const end = await (await fetch(`${env.url}/v1/generations?after=${rest.last_id}`, { headers })).json() as { data: unknown[], has_more: boolean }
  t.same(end.data, [], 'a well-formed cursor past the end is an empty page, not an error')
  t.equal(end.has_more, false)
})
