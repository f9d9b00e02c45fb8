// Request validation is checked in process (app.inject): none of these requests may reach the
// provider, so none needs a simulator or a socket.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { TEST_KEY } from '../helpers/gateway.js'
import type { Envelope } from '../helpers/envelope.js'

const invalidBodies: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['missing prompt', { n: 1 }, 'prompt', /Missing required parameter: 'prompt'/],
  ['empty prompt', { prompt: '' }, 'prompt', /'prompt'/],
  ['prompt of the wrong type', { prompt: 42 }, 'prompt', /'prompt'/],
  ['prompt over the length limit', { prompt: 'x'.repeat(32001) }, 'prompt', /at most 32000|1 to 32000/],
  ['n of zero', { prompt: 'p', n: 0 }, 'n', /from 1 to 10/],
  ['n above ten', { prompt: 'p', n: 11 }, 'n', /from 1 to 10/],
  ['n as a string', { prompt: 'p', n: '2' }, 'n', /integer/],
  ['n as a fraction', { prompt: 'p', n: 1.5 }, 'n', /integer/],
  ['size of the wrong shape', { prompt: 'p', size: 'big' }, 'size', /size/],
  ['size with a path in it', { prompt: 'p', size: '../1024x1024' }, 'size', /size/],
  ['unknown quality', { prompt: 'p', quality: 'ultra' }, 'quality', /one of 'auto', 'low'/],
  ['unknown response_format', { prompt: 'p', response_format: 'binary' }, 'response_format', /'url', 'b64_json'/],
  ['unknown output_format', { prompt: 'p', output_format: 'gif' }, 'output_format', /'png'/],
  ['output_compression above 100', { prompt: 'p', output_compression: 101 }, 'output_compression', /0 to 100/],
  ['unknown background', { prompt: 'p', background: 'plaid' }, 'background', /'transparent'/],
  ['unknown moderation', { prompt: 'p', moderation: 'none' }, 'moderation', /'low', 'auto'/],
  ['unknown style', { prompt: 'p', style: 'cubist' }, 'style', /'vivid', 'natural'/],
  ['user of the wrong type', { prompt: 'p', user: 7 }, 'user', /'user'/],
  ['model of the wrong type', { prompt: 'p', model: ['gpt-image-1'] }, 'model', /'model'/],
  ['an unknown field', { prompt: 'p', temperature: 0.5 }, 'temperature', /Unrecognized request argument supplied: temperature/]
]

t.test('each invalid field gets a 400 naming that field, without calling the provider', async (t) => {
  const env = await buildTestApp(t)
  for (const [name, body, param, message] of invalidBodies) {
    const response = await env.post('/generate', body)
    t.equal(response.statusCode, 400, `${name} → 400`)
    const envelope = response.json<Envelope>()
    t.equal(envelope.error.type, 'invalid_request_error', name)
    t.equal(envelope.error.param, param, `${name} names ${param}`)
    t.match(envelope.error.message, message, `${name} explains itself`)
  }
  t.equal(env.providerAttempts(), 0, 'no invalid request reached the provider')
})

t.test('a body that is not a JSON object is a 400', async (t) => {
  const env = await buildTestApp(t)
  for (const body of ['[1,2]', '"prompt"', 'null']) {
    const response = await env.post('/generate', body)
    t.equal(response.statusCode, 400, `${body} → 400`)
    const envelope = response.json<Envelope>()
    t.equal(envelope.error.type, 'invalid_request_error')
  }
})

t.test('malformed JSON is a 400 with code invalid_json', async (t) => {
  const env = await buildTestApp(t)
  const response = await env.post('/generate', '{"prompt": "unterminated')
  t.equal(response.statusCode, 400)
  t.equal(response.json<Envelope>().error.code, 'invalid_json')
})

t.test('a body that is not JSON is a 415', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await app.inject({
    method: 'POST',
    url: '/generate',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'text/plain' },
    payload: 'prompt=a cat'
  })
  t.equal(response.statusCode, 415)
  const envelope = response.json<Envelope>()
  t.equal(envelope.error.code, 'unsupported_media_type')
  t.match(envelope.error.message, /application\/json/)
})

t.test('a body over the limit is a 413 and reaches nobody', async (t) => {
  const env = await buildTestApp(t, { BODY_LIMIT_BYTES: '4096' })
  const response = await env.post('/generate', { prompt: 'y'.repeat(10_000) })
  t.equal(response.statusCode, 413)
  t.equal(response.json<Envelope>().error.code, 'request_too_large')
  t.equal(env.providerAttempts(), 0)
})

t.test('an unknown route is a 404 in the envelope', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await app.inject('/v1/nothing-here')
  t.equal(response.statusCode, 404)
  t.equal(response.json<Envelope>().error.type, 'not_found_error')
})
