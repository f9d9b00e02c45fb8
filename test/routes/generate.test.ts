import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

interface Answer {
  id: string
  created: number
  data: Array<{ url: string, b64_json?: string, revised_prompt?: string }>
  usage?: { total_tokens?: number }
}

async function simulatorImages (simulatorUrl: string, body: Record<string, unknown>): Promise<Buffer[]> {
  // Ask the simulator directly for the same prompt: it is deterministic, so these are the bytes
  // the gateway must have stored.
  const response = await fetch(`${simulatorUrl}/v1/images/generations`, {
    method: 'POST',
    headers: { authorization: 'Bearer sim-secret-key', 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, response_format: 'b64_json' })
  })
  const answer = await response.json() as { data: Array<{ b64_json: string }> }
  return answer.data.map((image) => Buffer.from(image.b64_json, 'base64'))
}

t.test('stores the exact simulator bytes for every seed size, quality, n and response format', async (t) => {
  const env = await startTestGateway(t)
  const cases: Array<{ size: string, quality: string, n: number, response_format: 'url' | 'b64_json' }> = []
  for (const size of ['1024x1024', '1792x1024', '1024x1792']) {
    for (const quality of ['auto', 'low', 'medium', 'high', 'standard', 'hd']) {
      cases.push({ size, quality, n: quality === 'high' ? 4 : 1, response_format: quality === 'low' || quality === 'high' ? 'b64_json' : 'url' })
    }
  }
  for (const request of cases) {
    const prompt = `a lighthouse ${request.size} ${request.quality}`
    const response = await env.post('/generate', { prompt, ...request })
    t.equal(response.status, 200, `${JSON.stringify(request)} → 200`)
    const answer = await response.json() as Answer
    t.equal(answer.data.length, request.n, 'one entry per image')
    const expected = await simulatorImages(env.simulator.url, { prompt, size: request.size, quality: request.quality, n: request.n })
    const [width, height] = request.size.split('x').map(Number)
    for (const [index, image] of answer.data.entries()) {
      t.ok(image.url.startsWith(`${env.url}/images/default/${answer.id}/`), 'durable link on the gateway')
      const download = await fetch(image.url)
      t.equal(download.status, 200)
      const bytes = Buffer.from(await download.arrayBuffer())
      t.equal(sha256(bytes), sha256(expected[index] as Buffer), 'link serves the bytes the simulator produced')
      const metadata = await sharp(bytes).metadata()
      t.same([metadata.width, metadata.height], [width, height], 'dimensions match the requested size')
      if (request.response_format === 'b64_json') {
        t.equal(image.b64_json, bytes.toString('base64'), 'b64_json carries the same image')
      } else {
        t.notOk('b64_json' in image, 'url answers carry no base64')
      }
    }
  }
})

t.test('POST /v1/images/generations is the same contract as /generate', async (t) => {
  const env = await startTestGateway(t)
  const response = await env.post('/v1/images/generations', { prompt: 'same contract', n: 2 })
  t.equal(response.status, 200)
  const answer = await response.json() as Answer
  t.equal(answer.data.length, 2)
  t.type(answer.created, 'number')
  t.ok(answer.usage?.total_tokens, 'usage passes through')
  t.match(answer.data[0]?.revised_prompt, /same contract/)
})

t.test('writes each image and a manifest with sha256, size and dimensions under the tenant prefix', async (t) => {
  const env = await startTestGateway(t)
  const response = await env.post('/generate', { prompt: 'manifest check', n: 2, size: '1024x1792' })
  const answer = await response.json() as Answer
  const dir = path.join(env.dataDir, 'default', answer.id)
  t.same((await readdir(dir)).sort(), ['0.png', '1.png', 'manifest.json'])
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'))
  t.equal(manifest.id, answer.id)
  t.equal(manifest.tenantId, 'default')
  t.equal(manifest.model, 'gpt-image-1')
  t.equal(manifest.request.prompt, 'manifest check')
  for (const image of manifest.images) {
    const bytes = await readFile(path.join(env.dataDir, image.key))
    t.equal(image.sha256, sha256(bytes))
    t.equal(image.bytes, bytes.length)
    t.equal(image.contentType, 'image/png')
    t.same([image.width, image.height], [1024, 1792])
  }
})

t.test('detects JPEG and WebP from the bytes and stores them with the right type', async (t) => {
  const env = await startTestGateway(t)
  for (const [format, contentType, extension] of [['jpeg', 'image/jpeg', 'jpg'], ['webp', 'image/webp', 'webp']]) {
    const response = await env.post('/generate', { prompt: `format ${format}`, output_format: format, output_compression: 80 })
    t.equal(response.status, 200)
    const answer = await response.json() as Answer
    const url = answer.data[0]?.url as string
    t.ok(url.endsWith(`/0.${extension}`), `${format} stored as .${extension}`)
    const download = await fetch(url)
    t.equal(download.headers.get('content-type'), contentType)
    const metadata = await sharp(Buffer.from(await download.arrayBuffer())).metadata()
    t.equal(metadata.format, format === 'jpeg' ? 'jpeg' : 'webp')
  }
})

t.test('the upstream never sees the caller key and the caller never sees the upstream URL', async (t) => {
  const env = await startTestGateway(t, { env: { UPSTREAM_RESPONSE_FORMAT: 'url' } })
  const response = await env.post('/generate', { prompt: 'url mode', model: 'dall-e-3', response_format: 'url' })
  const text = await response.text()
  t.equal(response.status, 200)
  t.equal((env.simulator.lastRequestBodies.at(-1) as { response_format?: string }).response_format, 'url', 'provider answered with a URL')
  t.notMatch(text, env.simulator.url, 'no simulator URL in the answer')
  t.equal(env.simulator.lastRequestHeaders.at(-1)?.authorization, 'Bearer sim-secret-key')
})

t.test('asks dall-e models for base64 and sends GPT image models no response_format', async (t) => {
  const env = await startTestGateway(t)
  await env.post('/generate', { prompt: 'dalle', model: 'dall-e-3', response_format: 'url' })
  t.equal((env.simulator.lastRequestBodies.at(-1) as { response_format?: string }).response_format, 'b64_json')
  await env.post('/generate', { prompt: 'gpt image', model: 'gpt-image-1', response_format: 'b64_json' })
  t.notOk('response_format' in (env.simulator.lastRequestBodies.at(-1) as object))
})
