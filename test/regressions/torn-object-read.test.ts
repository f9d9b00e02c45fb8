// Regression: an image stored shorter than its manifest says (a write torn on a store that writes
// in place) was served as a 200 whose body ended early. Now a whole spool copy is served instead,
// and without one the answer is 503 with retry-after, never a short image.
import { createHash } from 'node:crypto'
import { cp, stat, truncate } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'

interface Answer { id: string, data: Array<{ url: string, b64_json: string }> }
const NO_ANSWER_MS = 20_000
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

t.test('a torn stored image with no other copy answers 503 storage_unavailable with retry-after', async (t) => {
  const env = await startTestGateway(t)
  const answer = await (await env.post('/generate', { prompt: 'torn object', response_format: 'b64_json' })).json() as Answer
  const stored = path.join(env.dataDir, 'default', answer.id, '0.png')
  const wholeBytes = (await stat(stored)).size
  await truncate(stored, Math.floor(wholeBytes / 2))

  // The abort only ends a hang (the old code promised the full length and sent half): no timing is asserted.
  const download = await fetch(answer.data[0]?.url as string, { signal: AbortSignal.timeout(NO_ANSWER_MS) })
  t.equal(download.status, 503)
  t.equal(download.headers.get('retry-after'), '5')
  t.equal(download.headers.get('etag'), null, 'no image headers on the failure')
  t.equal(download.headers.get('cache-control'), null)
  t.same(await download.json(), {
    error: { message: 'The stored image is incomplete and no complete copy is available; try again shortly.', type: 'storage_error', param: null, code: 'storage_unavailable' }
  })
  const part = await fetch(answer.data[0]?.url as string, { headers: { range: 'bytes=0-9' }, signal: AbortSignal.timeout(NO_ANSWER_MS) })
  t.equal(part.status, 503, 'a range of a torn image is not served either')
  await part.arrayBuffer()
  t.equal((await stat(stored)).size, Math.floor(wholeBytes / 2), 'the stored file is left for an operator to inspect')
})

t.test('a torn stored image is served whole from its spool copy', async (t) => {
  // The flusher stays asleep: it would copy the spooled generation over the torn one.
  const env = await startTestGateway(t, { env: { SPOOL_FLUSH_MS: '3600000' } })
  const answer = await (await env.post('/generate', { prompt: 'torn object with spool copy', response_format: 'b64_json' })).json() as Answer
  const generationDir = path.join(env.dataDir, 'default', answer.id)
  await cp(generationDir, path.join(env.dataDir, '.spool', 'default', answer.id), { recursive: true })
  await truncate(path.join(generationDir, '0.png'), 100)

  const download = await fetch(answer.data[0]?.url as string, { signal: AbortSignal.timeout(NO_ANSWER_MS) })
  t.equal(download.status, 200)
  const bytes = Buffer.from(await download.arrayBuffer())
  t.equal(sha256(bytes), sha256(Buffer.from(answer.data[0]?.b64_json as string, 'base64')), 'the whole image, byte for byte')
  t.equal(download.headers.get('content-length'), String(bytes.length))
})
