// Issue 12 item 6: a 74-byte PNG whose header claims 100000×100000 and a real 20000×20000 deflate
// bomb were stored and served, and manifests recorded the claimed size.
import { crc32, deflateSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { sendJson, solidPng, startHostileProvider } from '../helpers/hostile-provider.js'
import { storedFiles } from '../helpers/stored-files.js'
import type { Envelope } from '../helpers/envelope.js'

function chunk (type: string, content: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(content.length)
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), content])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}

/** A PNG with the given header and IDAT: 8-bit grayscale, or 1-bit for the bomb. */
function png (width: number, height: number, bitDepth: number, idat: Buffer): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = bitDepth
  header[9] = 0 // grayscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))])
}

async function answerWith (t: Test, image: Buffer, env: Record<string, string> = {}) {
  const provider = await startHostileProvider(t, (_request, response) => sendJson(response, 200, { created: 1, data: [{ b64_json: image.toString('base64') }] }))
  return await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl, ...env } })
}

t.test('a PNG of under 80 bytes whose header claims 100000x100000 is a 502 upstream_invalid_image and is not stored', async (t) => {
  const liar = png(100000, 100000, 8, deflateSync(Buffer.alloc(0)))
  t.ok(liar.length < 80, `the PNG is ${liar.length} bytes`)
  const env = await answerWith(t, liar)
  const response = await env.post('/generate', { prompt: 'liar' })
  t.equal(response.status, 502)
  t.same(await response.json() as Envelope, {
    error: {
      message: 'The image provider returned image 0 that is not a usable image: its header claims 100000x100000 (10000000000 pixels), more than the 16777216 allowed (IMAGE_MAX_PIXELS).',
      type: 'upstream_error',
      param: null,
      code: 'upstream_invalid_image'
    }
  })
  t.same(await storedFiles(env.dataDir), [])
})

t.test('a real 20000x20000 deflate bomb is refused as upstream_invalid_image without being inflated', async (t) => {
  // 1-bit rows of zeros: 50 MB once inflated, 400 million pixels once decoded, ~50 kB on the wire.
  const rows = Buffer.alloc(20000 * (1 + 20000 / 8))
  const bomb = png(20000, 20000, 1, deflateSync(rows, { level: 9 }))
  t.ok(bomb.length < 100_000, `the bomb is ${bomb.length} bytes`)
  const env = await answerWith(t, bomb)
  const response = await env.post('/generate', { prompt: 'bomb' })
  t.equal(response.status, 502)
  const envelope = await response.json() as Envelope
  t.equal(envelope.error.code, 'upstream_invalid_image')
  t.match(envelope.error.message, /20000x20000/)
  t.same(await storedFiles(env.dataDir), [])
})

t.test('an image of 2048x2048 where 1024x1024 was asked is a 502 upstream_invalid_image', async (t) => {
  const env = await answerWith(t, await solidPng(2048, 2048))
  const response = await env.post('/generate', { prompt: 'wrong size', size: '1024x1024' })
  t.equal(response.status, 502)
  t.same(await response.json() as Envelope, {
    error: { message: 'The image provider returned image 0 that is not a usable image: it is 2048x2048 where 1024x1024 was asked for.', type: 'upstream_error', param: null, code: 'upstream_invalid_image' }
  })
  t.same(await storedFiles(env.dataDir), [])
})

t.test('an image the provider rounded to its 16-pixel grid (1008x1008 for 1000x1000) is accepted and recorded as it is', async (t) => {
  const env = await answerWith(t, await solidPng(1008, 1008))
  const response = await env.post('/generate', { prompt: 'rounded', size: '1000x1000' })
  t.equal(response.status, 200)
  const answer = await response.json() as { id: string }
  const manifest = await (await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { images: Array<{ width: number, height: number }> }
  t.same(manifest.images.map((image) => [image.width, image.height]), [[1008, 1008]])
})

t.test('size auto sets no expectation, and IMAGE_MAX_PIXELS is a setting', async (t) => {
  const env = await answerWith(t, await solidPng(300, 200), { IMAGE_MAX_PIXELS: '50000' })
  const response = await env.post('/generate', { prompt: 'auto but too many pixels', size: 'auto' })
  t.equal(response.status, 502)
  t.match((await response.json() as Envelope).error.message, /300x200 \(60000 pixels\), more than the 50000 allowed/)
})
