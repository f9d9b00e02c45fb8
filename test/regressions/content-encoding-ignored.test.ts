// Issue 13 item 5: Content-Encoding was ignored: an `x-bogus` body was parsed as JSON and a gzip
// body got a misleading 400 invalid_json. The gateway does not decode request bodies (no caller
// compresses them, and decoding invites zip bombs): anything but identity is a 415
// unsupported_content_encoding, answered before the body is read.
import { gzipSync } from 'node:zlib'
import t from 'tap'
import { ERROR_RESPONSES } from '../../src/openapi/error-responses.js'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import type { Envelope } from '../helpers/envelope.js'

const BODY = JSON.stringify({ prompt: 'a lighthouse' })
// A Blob, because fetch's types do not take a Buffer.
const GZIPPED_BODY = new Blob([gzipSync(BODY)])
const post = (url: string, body: string | Blob, headers: Record<string, string>) =>
  fetch(`${url}/generate`, { method: 'POST', body, headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers } })

const UNSUPPORTED: Envelope = {
  error: { message: 'Request bodies must not be compressed: send them without Content-Encoding (or with identity).', type: 'invalid_request_error', param: null, code: 'unsupported_content_encoding' }
}

t.test('a body with an unknown Content-Encoding is a 415 unsupported_content_encoding, not parsed', async (t) => {
  const env = await startTestGateway(t)
  const response = await post(env.url, BODY, { 'content-encoding': 'x-bogus' })
  t.equal(response.status, 415)
  t.equal(response.headers.get('accept-encoding'), 'identity', 'RFC 7694: names the coding that is accepted')
  t.same(await response.json(), UNSUPPORTED)
  t.equal(env.simulator.stats.generationRequests, 0)
})

t.test('a gzip body is a 415 unsupported_content_encoding, not a 400 invalid_json', async (t) => {
  const env = await startTestGateway(t)
  for (const contentEncoding of ['gzip', 'deflate', 'br', 'identity, gzip']) {
    const response = await post(env.url, GZIPPED_BODY, { 'content-encoding': contentEncoding })
    t.equal(response.status, 415, `${contentEncoding} → 415`)
    t.same(await response.json(), UNSUPPORTED)
  }
  t.equal(env.simulator.stats.generationRequests, 0)
})

t.test('the 415 is the documented example', async (t) => {
  const env = await startTestGateway(t)
  const response = await post(env.url, BODY, { 'content-encoding': 'gzip' })
  const documented = (ERROR_RESPONSES[415].examples as Record<string, { message: string, type: string, code: string }>).unsupported_content_encoding
  t.same((await response.json() as Envelope).error, { ...documented, param: null })
})

t.test('identity, or no Content-Encoding, is read as usual', async (t) => {
  const env = await startTestGateway(t)
  t.equal((await post(env.url, BODY, { 'content-encoding': 'identity' })).status, 200)
  t.equal((await post(env.url, BODY, {})).status, 200)
})

t.test('an anonymous caller gets the 401 first, whatever the encoding', async (t) => {
  const env = await startTestGateway(t)
  const response = await fetch(`${env.url}/generate`, { method: 'POST', body: GZIPPED_BODY, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } })
  t.equal(response.status, 401)
  t.equal((await response.json() as Envelope).error.code, 'missing_api_key')
})

t.test('a GET is answered as usual whatever Content-Encoding it names (its body is never read)', async (t) => {
  const env = await startTestGateway(t)
  const response = await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}`, 'content-encoding': 'gzip' } })
  t.equal(response.status, 200)
})
