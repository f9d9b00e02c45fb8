// Regression: a b64_json replay read the stored image with a plain getBytes, never compared with
// the size its manifest records, so a torn copy (a store that writes in place, a truncated file)
// was inlined in a 200 — the one path left that served a short image. And an unreadable manifest
// on replay claimed the generation was deleted (410), while its record said unreadable (404).
// Replays now read images through the same whole-object check as downloads, and say what
// the record says.
import { readFile, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { ERROR_RESPONSES } from '../../src/openapi/error-responses.js'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'

interface Answer { id: string, data: Array<{ url: string, b64_json?: string }> }

// The example openapi.yaml documents: replay and record must both answer exactly it.
const UNREADABLE = ERROR_RESPONSES[404].examples.generation_unreadable

function storedPath (dataDir: string, url: string): string {
  return path.join(dataDir, new URL(url).pathname.replace(/^\/images\//, ''))
}

t.test('a b64_json replay of a torn stored image answers 503 storage_unavailable, never a short image', async (t) => {
  const env = await startTestGateway(t)
  const body = { prompt: 'torn replay', response_format: 'b64_json' }
  const first = await env.post('/generate', body, { 'idempotency-key': 'torn-replay' })
  t.equal(first.status, 200)
  const answer = await first.json() as Answer
  const file = storedPath(env.dataDir, answer.data[0]?.url as string)
  const whole = await readFile(file)
  await truncate(file, Math.floor(whole.length / 2))

  const replay = await env.post('/generate', body, { 'idempotency-key': 'torn-replay' })
  t.equal(replay.status, 503)
  t.ok(replay.headers.get('retry-after') !== null, 'with retry-after')
  const envelope = await replay.json() as { error: { code: string, type: string } }
  t.equal(envelope.error.code, 'storage_unavailable')
  t.equal(env.simulator.stats.generationRequests, 1, 'not generated again')
})

t.test('a b64_json replay of a whole image inlines exactly the stored bytes', async (t) => {
  const env = await startTestGateway(t)
  const body = { prompt: 'whole replay', response_format: 'b64_json' }
  const answer = await (await env.post('/generate', body, { 'idempotency-key': 'whole-replay' })).json() as Answer
  const replay = await env.post('/generate', body, { 'idempotency-key': 'whole-replay' })
  t.equal(replay.status, 200)
  const replayed = await replay.json() as Answer
  const stored = await readFile(storedPath(env.dataDir, answer.data[0]?.url as string))
  t.equal(replayed.data[0]?.b64_json, stored.toString('base64'))
  t.equal(replayed.data[0]?.b64_json, answer.data[0]?.b64_json)
})

for (const responseFormat of ['url', 'b64_json'] as const) {
  t.test(`a ${responseFormat} replay of a generation whose manifest is unreadable answers 404 generation_unreadable, as its record does`, async (t) => {
    const env = await startTestGateway(t)
    const body = { prompt: `unreadable ${responseFormat}`, response_format: responseFormat }
    const answer = await (await env.post('/generate', body, { 'idempotency-key': `unreadable-${responseFormat}` })).json() as Answer
    const manifestFile = path.join(path.dirname(storedPath(env.dataDir, answer.data[0]?.url as string)), 'manifest.json')
    await writeFile(manifestFile, '{"id": 42')

    const replay = await env.post('/generate', body, { 'idempotency-key': `unreadable-${responseFormat}` })
    t.equal(replay.status, 404)
    t.same(await replay.json(), { error: { ...UNREADABLE, param: null } }, 'the documented generation_unreadable answer')
    const record = await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
    t.equal(record.status, 404)
    t.same(await record.json(), { error: { ...UNREADABLE, param: null } }, 'the same answer as its record')
    t.equal(env.simulator.stats.generationRequests, 1, 'not generated again')
  })
}

// Regression: a torn object answered 503 storage_unavailable and was logged as an expected outage:
// at most one warn line per 10 s, without the object's key. It is data damage: every occurrence
// is logged at error with the key.
t.test('every torn read is logged at error with its key, not folded into the outage line', async (t) => {
  const env = await startTestGateway(t)
  const answer = await (await env.post('/generate', { prompt: 'torn log' })).json() as Answer
  const url = answer.data[0]?.url as string
  const file = storedPath(env.dataDir, url)
  await truncate(file, 10)
  for (let attempt = 0; attempt < 2; attempt++) t.equal((await fetch(url)).status, 503)
  const key = new URL(url).pathname.replace(/^\/images\//, '')
  const tornLines = env.logLines.map((line) => JSON.parse(line) as { level: number, msg: string, reason?: string })
    .filter((line) => line.msg.includes('torn'))
  t.equal(tornLines.length, 2, 'one line per torn read')
  t.ok(tornLines.every((line) => line.level === 50 && line.reason?.includes(key) === true), 'at error, naming the object')
})
