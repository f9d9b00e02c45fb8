// An Idempotency-Key record keeps only the generation id; a replay rebuilds the whole answer from
// the generation's manifest, which keeps what the provider answered beside the images. Manifests
// written before it kept those fields still replay, without them.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'

interface Answer { id: string, created: number, size?: string, quality?: string, output_format?: string, background?: string, usage?: object, data: object[] }

const BODY = { prompt: 'a replayed lighthouse', size: '1024x1024', quality: 'low', output_format: 'webp', background: 'opaque' }

async function generate (env: TestGateway, key: string): Promise<Response> {
  return await env.post('/generate', BODY, { 'idempotency-key': key })
}

t.test('the manifest keeps what the provider answered, and a replay answers exactly the first answer', async (t) => {
  const env = await startTestGateway(t)
  const first = await (await generate(env, 'from-manifest')).json() as Answer
  t.match(first, { size: '1024x1024', quality: 'low', output_format: 'webp', background: 'opaque', usage: { total_tokens: Number } })

  const record = await (await fetch(`${env.url}/v1/generations/${first.id}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json()
  t.match(record, { created: first.created, upstream: { described: { size: '1024x1024', quality: 'low', output_format: 'webp', background: 'opaque' }, usage: first.usage } })

  const replay = await generate(env, 'from-manifest')
  t.equal(replay.headers.get('idempotent-replayed'), 'true')
  t.same(await replay.json(), first)
  t.equal(env.simulator.stats.generationRequests, 1, 'the provider was called once')
})

t.test('a manifest without the answer\'s fields (written by an older gateway) still replays, without them', async (t) => {
  const env = await startTestGateway(t)
  const first = await (await generate(env, 'older-manifest')).json() as Answer
  const manifestFile = path.join(env.dataDir, 'default', first.id, 'manifest.json')
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { upstream: Record<string, unknown> }
  delete manifest.upstream.described
  await writeFile(manifestFile, JSON.stringify(manifest))

  const replay = await generate(env, 'older-manifest')
  t.equal(replay.status, 200)
  t.equal(replay.headers.get('idempotent-replayed'), 'true')
  const { size: _size, quality: _quality, output_format: _format, background: _background, ...kept } = first
  t.same(await replay.json(), kept, 'id, created, usage and the images, as first answered')
})
