// Issue 12 item 4: provider answers were unbounded: a 300 MB inline image was stored, a 600 MB
// answer sat in memory whole, and 150 images for n=1 were stored (links 100+ answering 404).
import { randomBytes } from 'node:crypto'
import t from 'tap'
import sharp from 'sharp'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { sendJson, solidPng, startHostileProvider } from '../helpers/hostile-provider.js'
import { storedFiles } from '../helpers/stored-files.js'
import type { Envelope } from '../helpers/envelope.js'

const auth = { authorization: `Bearer ${TEST_KEY}` }

const PIECE = Buffer.alloc(64 * 1024, 0x41)
const PIECES = 1024 // 64 MiB, never announced: the gateway must count as it reads

/**
 * A provider that answers `status` with `head`, then PIECES pieces of 'A' as fast as the gateway
 * reads them, then `tail`: what it managed to write tells whether the gateway stopped reading.
 */
async function startEndlessProvider (t: Parameters<typeof startHostileProvider>[0], status: number, head: string, tail: string) {
  const progress = { written: 0, finished: false }
  const provider = await startHostileProvider(t, (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' })
    response.write(head)
    const writeMore = (): void => {
      while (progress.written < PIECES) {
        progress.written++
        if (!response.write(PIECE)) {
          response.once('drain', writeMore)
          return
        }
      }
      response.end(tail, () => { progress.finished = true })
    }
    response.on('close', () => response.removeAllListeners('drain'))
    writeMore()
  })
  return { provider, progress }
}

t.test('an answer streaming past UPSTREAM_ANSWER_MAX_BYTES is a 502 upstream_answer_too_large, read no further', async (t) => {
  const { provider, progress } = await startEndlessProvider(t, 200, '{"created":1,"data":[{"b64_json":"', '"}]}')
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl, UPSTREAM_ANSWER_MAX_BYTES: String(1024 * 1024) } })
  const response = await env.post('/generate', { prompt: 'endless' })
  t.equal(response.status, 502)
  t.same(await response.json() as Envelope, { error: { message: `The image provider's answer is larger than ${1024 * 1024} bytes (UPSTREAM_ANSWER_MAX_BYTES).`, type: 'upstream_error', param: null, code: 'upstream_answer_too_large' } })
  t.notOk(progress.finished, 'the provider could not finish writing its answer: the gateway hung up')
  t.ok(progress.written < PIECES, `the provider wrote ${progress.written} of ${PIECES} pieces`)
  t.same(await storedFiles(env.dataDir), [])
})

t.test('an answer announcing a content-length past UPSTREAM_ANSWER_MAX_BYTES is refused before its body is read', async (t) => {
  const provider = await startHostileProvider(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(600 * 1024 * 1024) })
    response.write('{"created":1,"data":[')
  })
  // The deadline only keeps a gateway that waits for the body from hanging the test.
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl, UPSTREAM_DEADLINE_MS: '10000' } })
  const response = await env.post('/generate', { prompt: 'announced 600 MB' })
  t.equal(response.status, 502)
  t.equal((await response.json() as Envelope).error.code, 'upstream_answer_too_large')
  t.same(await storedFiles(env.dataDir), [])
})

t.test('a provider error answer is read only to its first 64 KiB: a 64 MiB error body is a 502 upstream_error, read no further', async (t) => {
  const { provider, progress } = await startEndlessProvider(t, 500, '{"error":{"message":"', '"}}')
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl } })
  const response = await env.post('/generate', { prompt: 'huge error' })
  t.equal(response.status, 502)
  t.same(await response.json() as Envelope, { error: { message: 'The image provider failed (HTTP 500).', type: 'upstream_error', param: null, code: 'upstream_error' } })
  t.notOk(progress.finished, 'the provider could not finish writing its error: the gateway hung up')
  t.ok(progress.written < PIECES, `the provider wrote ${progress.written} of ${PIECES} pieces`)
})

t.test('an inline image past UPSTREAM_IMAGE_MAX_BYTES is a 502 upstream_image_too_large and nothing is stored', async (t) => {
  const noisy = await sharp(randomBytes(64 * 64 * 3), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer()
  const provider = await startHostileProvider(t, (_request, response) => sendJson(response, 200, { created: 1, data: [{ b64_json: noisy.toString('base64') }] }))
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl, UPSTREAM_IMAGE_MAX_BYTES: '2048' } })
  t.ok(noisy.length > 2048, `the image is ${noisy.length} bytes`)
  const response = await env.post('/generate', { prompt: 'too big' })
  t.equal(response.status, 502)
  t.same(await response.json() as Envelope, { error: { message: "The image provider's image 0 is larger than 2048 bytes.", type: 'upstream_error', param: null, code: 'upstream_image_too_large' } })
  t.same(await storedFiles(env.dataDir), [])
})

t.test('150 images for n=1 are a 502 upstream_malformed_response: nothing stored, the quota given back', async (t) => {
  const png = await solidPng(16, 16)
  const provider = await startHostileProvider(t, (_request, response) => sendJson(response, 200, { created: 1, data: Array.from({ length: 150 }, () => ({ b64_json: png.toString('base64') })) }))
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl } })
  const response = await env.post('/generate', { prompt: 'one please', n: 1 })
  t.equal(response.status, 502)
  t.same(await response.json() as Envelope, { error: { message: 'The image provider answered with 150 images where 1 were asked for.', type: 'upstream_error', param: null, code: 'upstream_malformed_response' } })
  t.same(await storedFiles(env.dataDir), [])
  const usage = await (await fetch(`${env.url}/v1/usage`, { headers: auth })).json() as { images: { day: { used: number } } }
  t.equal(usage.images.day.used, 0, 'the failed generation counts no images')
})

t.test('a revised_prompt longer than 32000 characters is kept truncated to 32000', async (t) => {
  const png = await solidPng(16, 16)
  const provider = await startHostileProvider(t, (_request, response) => sendJson(response, 200, { created: 1, data: [{ b64_json: png.toString('base64'), revised_prompt: 'r'.repeat(100_000) }] }))
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl } })
  const response = await env.post('/generate', { prompt: 'long revision' })
  t.equal(response.status, 200)
  const answer = await response.json() as { id: string, data: Array<{ revised_prompt?: string }> }
  t.equal(answer.data[0]?.revised_prompt, 'r'.repeat(32000))
  const manifest = await (await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: auth })).json() as { images: Array<{ revisedPrompt?: string }> }
  t.equal(manifest.images[0]?.revisedPrompt?.length, 32000)
})

t.test('n=10 stores ten images and every link, index 9 included, answers 200', async (t) => {
  const env = await startTestGateway(t)
  const response = await env.post('/generate', { prompt: 'ten', n: 10, size: '256x256' })
  t.equal(response.status, 200)
  const answer = await response.json() as { data: Array<{ url: string }> }
  t.equal(answer.data.length, 10)
  t.match(answer.data[9]?.url, /\/9\.png$/)
  for (const image of answer.data) t.equal((await fetch(image.url)).status, 200, image.url)
})
