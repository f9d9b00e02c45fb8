import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'

async function generateOne (env: TestGateway): Promise<{ url: string, bytes: Buffer }> {
  const response = await env.post('/generate', { prompt: 'link serving' })
  const answer = await response.json() as { data: Array<{ url: string }> }
  const url = answer.data[0]?.url as string
  const bytes = Buffer.from(await (await fetch(url)).arrayBuffer())
  return { url, bytes }
}

t.test('a link answers with type, length, strong sha256 ETag and immutable caching', async (t) => {
  const env = await startTestGateway(t)
  const { url, bytes } = await generateOne(env)
  const response = await fetch(url)
  await response.arrayBuffer()
  t.equal(response.status, 200)
  t.equal(response.headers.get('content-type'), 'image/png')
  t.equal(response.headers.get('content-length'), String(bytes.length))
  t.equal(response.headers.get('etag'), `"${createHash('sha256').update(bytes).digest('hex')}"`)
  t.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable')
  t.equal(response.headers.get('accept-ranges'), 'bytes')
  t.ok(response.headers.get('x-request-id'), 'carries a request id')
})

t.test('If-None-Match with the ETag is a 304 without a body', async (t) => {
  const env = await startTestGateway(t)
  const { url } = await generateOne(env)
  const first = await fetch(url)
  await first.arrayBuffer()
  const etag = first.headers.get('etag') as string
  for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const response = await fetch(url, { headers: { 'if-none-match': ifNoneMatch } })
    t.equal(response.status, 304, `${ifNoneMatch} → 304`)
    t.equal((await response.arrayBuffer()).byteLength, 0)
  }
  const stale = await fetch(url, { headers: { 'if-none-match': '"stale"' } })
  t.equal(stale.status, 200)
  await stale.arrayBuffer()
})

t.test('Range requests get 206 with exactly the asked bytes', async (t) => {
  const env = await startTestGateway(t)
  const { url, bytes } = await generateOne(env)
  const cases: Array<[string, number, number]> = [['bytes=0-99', 0, 99], ['bytes=100-', 100, bytes.length - 1], ['bytes=-50', bytes.length - 50, bytes.length - 1], ['bytes=10-99999999', 10, bytes.length - 1]]
  for (const [range, start, end] of cases) {
    const response = await fetch(url, { headers: { range } })
    t.equal(response.status, 206, `${range} → 206`)
    t.equal(response.headers.get('content-range'), `bytes ${start}-${end}/${bytes.length}`)
    const part = Buffer.from(await response.arrayBuffer())
    t.ok(part.equals(bytes.subarray(start, end + 1)), `${range} returns those bytes`)
  }
})

t.test('an unsatisfiable range is a 416 and a multi-range gets the whole image', async (t) => {
  const env = await startTestGateway(t)
  const { url, bytes } = await generateOne(env)
  const beyond = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } })
  t.equal(beyond.status, 416)
  t.equal(beyond.headers.get('content-range'), `bytes */${bytes.length}`)
  const multi = await fetch(url, { headers: { range: 'bytes=0-1,5-9' } })
  t.equal(multi.status, 200)
  t.equal((await multi.arrayBuffer()).byteLength, bytes.length)
})

t.test('HEAD answers the headers of GET without a body', async (t) => {
  const env = await startTestGateway(t)
  const { url, bytes } = await generateOne(env)
  const response = await fetch(url, { method: 'HEAD' })
  t.equal(response.status, 200)
  t.equal(response.headers.get('content-length'), String(bytes.length))
  t.equal(response.headers.get('content-type'), 'image/png')
  t.ok(response.headers.get('etag'))
})

t.test('hostile and unknown paths are 404 and never read outside the storage root', async (t) => {
  const env = await startTestGateway(t)
  const { url } = await generateOne(env)
  // A file outside the storage root that a traversal would reach.
  await writeFile(path.join(path.dirname(env.dataDir), 'igw-secret.png'), 'TOP-SECRET-CONTENT')
  const generation = url.split('/images/')[1] as string
  const [prefix, generationId] = generation.split('/')
  const attempts = [
    `/images/${prefix}/${generationId}/9.png`,
    `/images/${prefix}/${generationId}/manifest.json`,
    `/images/${prefix}/gen_000000000000000000000000000000000000/0.png`,
    `/images/other/${generationId}/0.png`,
    `/images/${prefix}/${generationId}/..%2F..%2F..%2Figw-secret.png`,
    `/images/..%2F..%2F/${generationId}/0.png`,
    `/images/${prefix}/..%2f${generationId}/0.png`,
    '/images/%2e%2e/%2e%2e/igw-secret.png',
    `/images/${prefix}/${generationId}/0.png%00.txt`,
    `/images/${prefix}/${generationId}/0.png/extra`,
    '/images/../../etc/passwd'
  ]
  for (const attempt of attempts) {
    const response = await fetch(`${env.url}${attempt}`)
    t.equal(response.status, 404, `${attempt} → 404`)
    const text = await response.text()
    t.notMatch(text, 'TOP-SECRET-CONTENT', 'nothing from outside the root')
  }
})
