// Regression: with LINK_MODE=public, replaying a b64_json request by its Idempotency-Key answered
// 500: the replay recovered each image's storage key by splitting its durable link on `/images/`,
// and public links (STORAGE_PUBLIC_URL + key) have no such segment. The replay now re-reads the
// generation's manifest and takes the keys from it.
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'

interface Answer { id: string, created: number, data: Array<{ url: string, b64_json?: string, revised_prompt?: string }> }

// Nothing is fetched from it: the links only have to be built with it.
const STORAGE_PUBLIC_URL = 'https://cdn.example.test/igw'

const publicLinks = { LINK_MODE: 'public', STORAGE_PUBLIC_URL }

t.test('LINK_MODE=public: a b64_json replay answers 200 with the same bytes and links', async (t) => {
  const env = await startTestGateway(t, { env: publicLinks })
  const body = { prompt: 'public b64', n: 2, response_format: 'b64_json' }
  const first = await env.post('/generate', body, { 'idempotency-key': 'public-b64' })
  t.equal(first.status, 200)
  const firstAnswer = await first.json() as Answer
  t.match(firstAnswer.data[0]?.url, /^https:\/\/cdn\.example\.test\/igw\/default\/gen_[0-9a-f]{36}\/0\.png$/, 'a public link, no /images/ in it')

  const replay = await env.post('/generate', body, { 'idempotency-key': 'public-b64' })
  t.equal(replay.status, 200)
  t.equal(replay.headers.get('idempotent-replayed'), 'true')
  const replayed = await replay.json() as Answer
  t.same(replayed, firstAnswer, 'same id, links, revised prompts and base64')
  for (const [index, image] of replayed.data.entries()) {
    t.ok(Buffer.from(image.b64_json ?? '', 'base64').equals(Buffer.from(firstAnswer.data[index]?.b64_json ?? '', 'base64')), `image ${index}: identical bytes`)
  }
  t.equal(env.simulator.stats.generationRequests, 1, 'the provider was called once')
})

t.test('LINK_MODE=public: a url replay answers 200 with the same links', async (t) => {
  const env = await startTestGateway(t, { env: publicLinks })
  const first = await (await env.post('/generate', { prompt: 'public url' }, { 'idempotency-key': 'public-url' })).json() as Answer
  const replay = await env.post('/generate', { prompt: 'public url' }, { 'idempotency-key': 'public-url' })
  t.equal(replay.status, 200)
  t.equal(replay.headers.get('idempotent-replayed'), 'true')
  t.same(await replay.json(), first)
  t.notOk('b64_json' in (first.data[0] ?? {}), 'no base64 for a url request')
})
