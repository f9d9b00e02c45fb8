// Issue 13 item 4: answers from below the routes were Fastify's or Node's own bodies: `%ff` in a
// path was 400 FST_ERR_BAD_URL echoing the URL, a 5,000-character segment a bare 414, duplicate
// Content-Length or Content-Length with Transfer-Encoding Node's "Client Error", headers over 16 KB
// a bare 431. Each is now the OpenAI envelope with a stable code that echoes nothing it was sent.
import t, { type Test } from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { rawExchange, type RawAnswer } from '../helpers/raw-http.js'
import type { Envelope } from '../helpers/envelope.js'

const MARKER = 'zq7marker'

async function expectEnvelope (t: Test, answer: RawAnswer, status: number, code: string): Promise<void> {
  t.equal(answer.status, status, `${code}: status`)
  t.match(answer.headers['content-type'], /^application\/json/, `${code}: JSON`)
  t.match(answer.headers['x-request-id'], /^[0-9a-f-]{36}$/, `${code}: a request id`)
  t.equal(answer.headers.connection, 'close', `${code}: the connection is closed`)
  t.ok(answer.closed, `${code}: and it was`)
  const envelope = JSON.parse(answer.body) as Envelope
  t.same(Object.keys(envelope), ['error'])
  t.same(Object.keys(envelope.error), ['message', 'type', 'param', 'code'], `${code}: exactly the envelope's fields`)
  t.equal(envelope.error.code, code)
  t.equal(envelope.error.type, 'invalid_request_error')
  t.equal(envelope.error.param, null)
  t.notMatch(answer.received, MARKER, `${code}: nothing the client sent is echoed`)
  t.notMatch(answer.received, /FST_ERR|Client Error/, `${code}: no framework wording`)
}

t.test('a path that is not valid percent-encoding is a 400 bad_url', async (t) => {
  const env = await startTestGateway(t)
  for (const path of [`/v1/generations/%ff${MARKER}`, `/images/%ff${MARKER}/gen/0.png`]) {
    await expectEnvelope(t, await rawExchange(env.url, `GET ${path} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`), 400, 'bad_url')
  }
})

t.test('a 5,000-character path segment is a 414 uri_too_long', async (t) => {
  const env = await startTestGateway(t)
  const path = `/v1/generations/${MARKER.repeat(556)}`
  await expectEnvelope(t, await rawExchange(env.url, `GET ${path} HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n`), 414, 'uri_too_long')
})

t.test('a duplicate Content-Length is a 400 bad_request_framing', async (t) => {
  const env = await startTestGateway(t)
  const request = `POST /generate HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 20\r\nContent-Length: 21\r\n\r\n{"prompt":"${MARKER}"}`
  await expectEnvelope(t, await rawExchange(env.url, request), 400, 'bad_request_framing')
})

t.test('Content-Length together with Transfer-Encoding is a 400 bad_request_framing', async (t) => {
  const env = await startTestGateway(t)
  const request = `POST /generate HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 21\r\nTransfer-Encoding: chunked\r\n\r\n15\r\n{"prompt":"${MARKER}"}\r\n0\r\n\r\n`
  await expectEnvelope(t, await rawExchange(env.url, request), 400, 'bad_request_framing')
})

t.test('headers over 16 KB are a 431 header_too_large', async (t) => {
  const env = await startTestGateway(t)
  const request = `GET /healthz HTTP/1.1\r\nHost: gateway\r\nX-Big: ${MARKER.repeat(2000)}\r\n\r\n`
  await expectEnvelope(t, await rawExchange(env.url, request), 431, 'header_too_large')
})

t.test('bytes that are not HTTP are a 400 malformed_request', async (t) => {
  const env = await startTestGateway(t)
  await expectEnvelope(t, await rawExchange(env.url, `${MARKER} / HTTP/1.1\r\n\r\n`), 400, 'malformed_request')
})

t.test('the gateway keeps serving after each of them', async (t) => {
  const env = await startTestGateway(t)
  await rawExchange(env.url, 'GET /%ff HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n')
  await rawExchange(env.url, 'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n')
  t.equal((await fetch(`${env.url}/healthz`)).status, 200)
})
