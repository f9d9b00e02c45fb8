// Issue 12 item 2: a provider answer with odd field types (created: "yesterday", usage counts as
// words) was stored and charged, then failed to serialise (500) and poisoned the tenant's listing.
import t from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { sendJson, solidPng, startHostileProvider } from '../helpers/hostile-provider.js'
import { storedFiles } from '../helpers/stored-files.js'
import type { Envelope } from '../helpers/envelope.js'

const auth = { authorization: `Bearer ${TEST_KEY}` }

t.test('an answer with created "yesterday", usage "many" and a numeric revised_prompt is stored normalised, and its records read back', async (t) => {
  const png = await solidPng(32, 32)
  const provider = await startHostileProvider(t, (_request, response) => sendJson(response, 200, {
    created: 'yesterday',
    data: [{ b64_json: png.toString('base64'), revised_prompt: 42 }],
    usage: { input_tokens: 'many', output_tokens: 7, total_tokens: 1.5, input_tokens_details: { text_tokens: -3, image_tokens: 2 } },
    size: { width: 32 },
    quality: 'high'
  }))
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl } })
  const before = Math.floor(Date.now() / 1000)
  const response = await env.post('/generate', { prompt: 'odd types' })
  t.equal(response.status, 200)
  const answer = await response.json() as { id: string, created: number, data: Array<{ url: string, revised_prompt?: string }>, usage?: unknown, size?: string, quality?: string }
  t.ok(Number.isInteger(answer.created) && answer.created >= before, 'created falls back to the time of arrival')
  t.same(answer.usage, { output_tokens: 7, input_tokens_details: { image_tokens: 2 } }, 'only the usage counts that are integers are kept')
  t.equal(answer.data.length, 1)
  t.notOk('revised_prompt' in (answer.data[0] ?? {}), 'a revised_prompt that is not a string is dropped')
  t.notOk('size' in answer, 'a size that is not a string is dropped')
  t.equal(answer.quality, 'high')

  const one = await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: auth })
  t.equal(one.status, 200)
  t.equal((await one.json() as { created: number }).created, answer.created)
  const list = await fetch(`${env.url}/v1/generations`, { headers: auth })
  t.equal(list.status, 200)
  t.same((await list.json() as { data: Array<{ id: string }> }).data.map((manifest) => manifest.id), [answer.id])
  const warning = env.logLines.find((line) => line.includes('provider answer had fields'))
  t.ok(warning, 'the dropped fields are logged')
  t.match(warning, 'usage/input_tokens')
  t.notMatch(warning, 'yesterday', 'the log names the field, not its value')
})

for (const [name, body] of [
  ['data is not an array', { created: 1, data: { b64_json: 'x' } }],
  ['data holds a string, not an object', { created: 1, data: ['iVBORw0KGgo='] }],
  ['body is an array, not an object', [1, 2, 3]]
] as const) {
  t.test(`an answer whose ${name} is a 502 upstream_malformed_response and stores nothing`, async (t) => {
    const provider = await startHostileProvider(t, (_request, response) => sendJson(response, 200, body))
    const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl } })
    const response = await env.post('/generate', { prompt: name })
    t.equal(response.status, 502)
    const envelope = await response.json() as Envelope
    t.equal(envelope.error.type, 'upstream_error')
    t.equal(envelope.error.code, 'upstream_malformed_response')
    t.equal(envelope.error.param, null)
    t.match(envelope.error.message, /malformed/)
    t.same(await storedFiles(env.dataDir), [])
  })
}
