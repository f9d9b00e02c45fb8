// Issue 13 item 2: the server had no timeouts. A body trickled at one byte every few seconds kept
// its connection for minutes, with or without a valid key (a 401 was answered, the socket kept);
// 1,500 such connections were held. Now headers, the whole request and idle keep-alive connections
// are bounded by settings, an answer sent before the body was read closes the connection, and a
// long generation is still answered. Timeouts here are a fraction of a second; each test waits up to
// BOUND_MS for the server to close, which only a missing timeout can exceed.
import t from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { rawExchange } from '../helpers/raw-http.js'
import type { Envelope } from '../helpers/envelope.js'

const BOUND_MS = 5000
const TIMEOUTS = { HEADERS_TIMEOUT_MS: '400', REQUEST_TIMEOUT_MS: '800', KEEP_ALIVE_TIMEOUT_MS: '400' }
const TIMED_OUT: Envelope = { error: { message: 'The request was not received in time; the connection is closed.', type: 'timeout_error', param: null, code: 'request_timeout' } }

const postHead = (headers: string[], contentLength: number) =>
  ['POST /generate HTTP/1.1', 'Host: gateway', 'Content-Type: application/json', `Content-Length: ${contentLength}`, ...headers, '', ''].join('\r\n')

t.test('headers trickled past HEADERS_TIMEOUT_MS are answered 408 in the envelope and the connection closed', async (t) => {
  const env = await startTestGateway(t, { env: TIMEOUTS })
  const answer = await rawExchange(env.url, 'POST /generate HTTP/1.1\r\nHost: gateway\r\nX-Slow: ', { trickle: { chunk: 'a', everyMs: 100 }, boundMs: BOUND_MS })
  t.ok(answer.closed, 'the server closed the connection')
  t.equal(answer.status, 408)
  t.equal(answer.headers.connection, 'close')
  t.match(answer.headers['content-type'], /^application\/json/)
  t.match(answer.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  t.same(JSON.parse(answer.body), TIMED_OUT)
})

t.test('a body trickled past REQUEST_TIMEOUT_MS with a valid key is answered 408 and the connection closed; nothing is generated', async (t) => {
  const env = await startTestGateway(t, { env: TIMEOUTS })
  const answer = await rawExchange(env.url, postHead([`Authorization: Bearer ${TEST_KEY}`], 1000) + '{"prompt":"', { trickle: { chunk: 'a', everyMs: 100 }, boundMs: BOUND_MS })
  t.ok(answer.closed, 'the server closed the connection')
  t.equal(answer.status, 408)
  t.same(JSON.parse(answer.body), TIMED_OUT)
  t.equal(env.simulator.stats.generationRequests, 0)
})

// Answers sent before the body was read. A long request timeout: the close must come from the
// early answer, not from a timeout. (Fastify itself already closed after the 413; kept so every
// early answer is covered.)
const EARLY_ANSWERS = [
  { name: 'a wrong key is answered 401 and the connection closed while the client still trickles its body', head: postHead(['Authorization: Bearer igw_wrong_key_0123456789'], 1000), start: '{"prompt":"', status: 401, code: 'invalid_api_key' },
  { name: 'a body that is not JSON is answered 415 without being read, and the connection closed', head: postHead([`Authorization: Bearer ${TEST_KEY}`], 1000).replace('application/json', 'text/plain'), start: 'prompt', status: 415, code: 'unsupported_media_type' },
  { name: 'a body announced over BODY_LIMIT_BYTES is answered 413 without being read, and the connection closed', head: postHead([`Authorization: Bearer ${TEST_KEY}`], 10_000_000), start: '{"prompt":"', status: 413, code: 'request_too_large' }
]

for (const early of EARLY_ANSWERS) {
  t.test(early.name, async (t) => {
    const env = await startTestGateway(t, { env: { ...TIMEOUTS, REQUEST_TIMEOUT_MS: '60000' } })
    const answer = await rawExchange(env.url, early.head + early.start, { trickle: { chunk: 'a', everyMs: 100 }, boundMs: BOUND_MS })
    t.ok(answer.closed, 'the server closed the connection')
    t.equal(answer.status, early.status)
    t.equal(answer.headers.connection, 'close')
    t.equal((JSON.parse(answer.body) as Envelope).error.code, early.code)
  })
}

t.test('a connection that never sends a byte is closed after HEADERS_TIMEOUT_MS', async (t) => {
  const env = await startTestGateway(t, { env: TIMEOUTS })
  const answer = await rawExchange(env.url, '', { boundMs: BOUND_MS })
  t.ok(answer.closed, 'the server closed the connection')
  t.equal(answer.status, 408)
  t.same(JSON.parse(answer.body), TIMED_OUT)
})

t.test('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const env = await startTestGateway(t, { env: TIMEOUTS })
  const answer = await rawExchange(env.url, 'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n', { boundMs: BOUND_MS })
  t.ok(answer.closed, 'the server closed the connection')
  t.equal(answer.status, 200, 'after answering the request')
  t.equal(answer.headers.connection, 'keep-alive', 'which kept the connection open at first')
  t.same(JSON.parse(answer.body), { status: 'ok' })
})

t.test('a generation that takes longer than every HTTP timeout is still answered on its connection', async (t) => {
  const env = await startTestGateway(t, { env: TIMEOUTS, simulator: { latencyMs: 1500 } })
  const response = await env.post('/generate', { prompt: 'slow but fine' })
  t.equal(response.status, 200)
  const answer = await response.json() as { data: Array<{ url: string }> }
  t.equal(answer.data.length, 1)
})
