import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import type { Envelope } from '../helpers/envelope.js'
import { storedFiles } from '../helpers/stored-files.js'

t.test('a provider 500 is a 502 in the envelope and stores nothing', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'status', status: 500, message: 'boom' })
  const response = await env.post('/generate', { prompt: 'provider fails' })
  t.equal(response.status, 502)
  const envelope = await response.json() as Envelope
  t.equal(envelope.error.type, 'upstream_error')
  t.match(envelope.error.message, /HTTP 500/)
  t.ok(response.headers.get('x-request-id'))
  t.same(await storedFiles(env), [])
})

t.test('a provider 400 passes its message and code through as a 400', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'status', status: 400, code: 'content_policy_violation', message: 'Your request was rejected by the safety system.', type: 'invalid_request_error' })
  const response = await env.post('/generate', { prompt: 'forbidden' })
  t.equal(response.status, 400)
  const envelope = await response.json() as Envelope
  t.equal(envelope.error.code, 'content_policy_violation')
  t.equal(envelope.error.message, 'Your request was rejected by the safety system.')
})

t.test('a provider 401 is a 502 that blames the gateway credentials without showing them', async (t) => {
  const env = await startTestGateway(t, { env: { UPSTREAM_API_KEY: 'sk-wrong-provider-key' } })
  const response = await env.post('/generate', { prompt: 'bad provider key' })
  t.equal(response.status, 502)
  const text = await response.text()
  const envelope = JSON.parse(text) as Envelope
  t.equal(envelope.error.code, 'upstream_auth_failed')
  t.notMatch(text, 'sk-wrong-provider-key')
  t.notMatch(env.logLines.join('\n'), 'sk-wrong-provider-key')
})

t.test('a provider 429 is a 429 carrying its retry-after', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'status', status: 429, retryAfterSeconds: 7 })
  const response = await env.post('/generate', { prompt: 'slow down' })
  t.equal(response.status, 429)
  t.equal(response.headers.get('retry-after'), '7')
  t.equal((await response.json() as Envelope).error.type, 'rate_limit_error')
})

t.test('a downloaded provider URL that 404s is a 502 and leaves no files', async (t) => {
  const env = await startTestGateway(t, { env: { UPSTREAM_RESPONSE_FORMAT: 'url' } })
  env.simulator.pushFault({ kind: 'url-404' })
  const response = await env.post('/generate', { prompt: 'gone', n: 2 })
  t.equal(response.status, 502)
  const envelope = await response.json() as Envelope
  t.equal(envelope.error.code, 'upstream_download_failed')
  t.match(envelope.error.message, /HTTP 404/)
  t.same(await storedFiles(env), [])
})

t.test('bytes that are not an image are a 502 and leave no files, inline or downloaded', async (t) => {
  for (const responseFormat of ['auto', 'url']) {
    const env = await startTestGateway(t, { env: { UPSTREAM_RESPONSE_FORMAT: responseFormat } })
    env.simulator.pushFault({ kind: 'non-image' })
    const response = await env.post('/generate', { prompt: `not an image ${responseFormat}` })
    t.equal(response.status, 502, `${responseFormat} → 502`)
    t.equal((await response.json() as Envelope).error.code, 'upstream_invalid_image')
    t.same(await storedFiles(env), [])
  }
})

t.test('truncated base64 is detected as a broken image: 502, no files', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'truncated-base64' })
  const response = await env.post('/generate', { prompt: 'truncated', n: 3 })
  t.equal(response.status, 502)
  const envelope = await response.json() as Envelope
  t.equal(envelope.error.code, 'upstream_invalid_image')
  t.match(envelope.error.message, /truncated/)
  t.same(await storedFiles(env), [])
})

t.test('malformed JSON from the provider is a 502', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'malformed-json' })
  const response = await env.post('/generate', { prompt: 'garbled' })
  t.equal(response.status, 502)
  t.equal((await response.json() as Envelope).error.code, 'upstream_malformed_response')
})

t.test('an answer with zero images is a 502, never a 200', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'zero-images' })
  const response = await env.post('/generate', { prompt: 'nothing' })
  t.equal(response.status, 502)
  t.equal((await response.json() as Envelope).error.code, 'upstream_no_images')
})

t.test('a connection reset is a 502 and the provider timeout is a 504', async (t) => {
  const env = await startTestGateway(t, { env: { UPSTREAM_TIMEOUT_MS: '300' } })
  env.simulator.pushFault({ kind: 'reset' })
  const reset = await env.post('/generate', { prompt: 'reset' })
  t.equal(reset.status, 502)
  t.equal((await reset.json() as Envelope).error.code, 'upstream_unreachable')
  env.simulator.pushFault({ kind: 'delay', ms: 5000 })
  const slow = await env.post('/generate', { prompt: 'slow' })
  t.equal(slow.status, 504)
  t.equal((await slow.json() as Envelope).error.code, 'upstream_timeout')
  t.same(await storedFiles(env), [])
})
