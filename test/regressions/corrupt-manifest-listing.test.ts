// Issue 12 item 2: one unreadable stored manifest made GET /v1/generations answer 500 for every
// page containing it, even after a restart. A listing now skips it (logged, counted).
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { newGenerationId } from '../../src/storage/object-keys.js'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { scrape } from '../helpers/metrics-text.js'
import type { Envelope } from '../helpers/envelope.js'

const auth = { authorization: `Bearer ${TEST_KEY}` }

async function generate (env: TestGateway): Promise<{ id: string, prefix: string }> {
  const response = await env.post('/generate', { prompt: 'a good one', size: '256x256' })
  const answer = await response.json() as { id: string }
  const manifest = await (await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: auth })).json() as { images: Array<{ key: string }> }
  return { id: answer.id, prefix: manifest.images[0]?.key.split('/')[0] ?? '' }
}

/** Writes a manifest file straight into the local data directory, as a damaged disk or old code would. */
async function plantManifest (env: TestGateway, prefix: string, content: string): Promise<string> {
  const id = newGenerationId()
  const folder = path.join(env.dataDir, prefix, id)
  await mkdir(folder, { recursive: true })
  await writeFile(path.join(folder, 'manifest.json'), content)
  return id
}

t.test('a listing skips a corrupt and a wrongly typed manifest, answers 200 with the others, and counts them', async (t) => {
  const env = await startTestGateway(t)
  const first = await generate(env)
  const second = await generate(env)
  const good = JSON.parse(await (await fetch(`${env.url}/v1/generations/${second.id}`, { headers: auth })).text()) as Record<string, unknown>
  const truncated = await plantManifest(env, first.prefix, '{"id": "gen_')
  // What the unfixed gateway stored from a provider answering created: "yesterday".
  const poisoned = await plantManifest(env, first.prefix, JSON.stringify({ ...good, created: 'yesterday' }))

  const list = await fetch(`${env.url}/v1/generations?limit=10`, { headers: auth })
  t.equal(list.status, 200)
  const page = await list.json() as { data: Array<{ id: string }>, has_more: boolean }
  t.same(page.data.map((manifest) => manifest.id).sort(), [first.id, second.id].sort(), 'the readable generations, and only them')

  const metrics = await scrape(env.url)
  t.equal(metrics.value('igw_manifest_unreadable_total'), 2)
  const logged = env.logLines.filter((line) => line.includes('manifest is unreadable'))
  t.equal(logged.length, 2)
  t.ok(logged.some((line) => line.includes(truncated) && line.includes('not valid JSON')))
  t.ok(logged.some((line) => line.includes(poisoned) && line.includes('/created')))

  for (const id of [truncated, poisoned]) {
    const one = await fetch(`${env.url}/v1/generations/${id}`, { headers: auth })
    t.equal(one.status, 404, `GET ${id} is a 404`)
    t.same(await one.json() as Envelope, { error: { message: "This generation's stored record is unreadable; it is not served. The gateway operator has been notified in its logs.", type: 'not_found_error', param: null, code: 'generation_unreadable' } })
  }
})

t.test('an unreadable generation can still be deleted by its tenant', async (t) => {
  const env = await startTestGateway(t)
  const { prefix } = await generate(env)
  const corrupt = await plantManifest(env, prefix, 'not json at all')
  const deleted = await fetch(`${env.url}/v1/generations/${corrupt}`, { method: 'DELETE', headers: auth })
  t.equal(deleted.status, 200)
  const again = await fetch(`${env.url}/v1/generations/${corrupt}`, { headers: auth })
  t.equal((await again.json() as Envelope).error.code, 'not_found')
})
