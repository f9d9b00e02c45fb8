import { createHash } from 'node:crypto'
import t from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { startS3rver } from '../helpers/s3rver.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import type { Envelope } from '../helpers/envelope.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

interface Answer { id: string, data: Array<{ url: string, b64_json?: string }> }
t.test('on S3, durable links stream the stored bytes with ETag, Range and 304', async (t) => {
  const s3 = await startS3rver(t)
  const env = await startTestGateway(t, { env: s3.env })
  const answer = await (await env.post('/generate', { prompt: 's3 stream', n: 2, response_format: 'b64_json' })).json() as Answer
  for (const image of answer.data) {
    t.match(image.url, `${env.url}/images/default/${answer.id}/`)
    const download = await fetch(image.url)
    t.equal(download.status, 200)
    const bytes = Buffer.from(await download.arrayBuffer())
    t.equal(sha256(bytes), sha256(Buffer.from(image.b64_json as string, 'base64')), 'same bytes as generated')
    t.equal(download.headers.get('etag'), `"${sha256(bytes)}"`)
    const part = await fetch(image.url, { headers: { range: 'bytes=0-9' } })
    t.equal(part.status, 206)
    t.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 10)))
    const cached = await fetch(image.url, { headers: { 'if-none-match': `"${sha256(bytes)}"` } })
    t.equal(cached.status, 304)
  }
  t.same(await s3.storage().list('default/'), [`default/${answer.id}/0.png`, `default/${answer.id}/1.png`, `default/${answer.id}/manifest.json`], 'images and manifest in the bucket')
})

t.test('LINK_MODE=redirect answers 302 to a presigned URL that serves the same bytes', async (t) => {
  const s3 = await startS3rver(t)
  const env = await startTestGateway(t, { env: { ...s3.env, LINK_MODE: 'redirect', PRESIGN_TTL_SECONDS: '120' } })
  const answer = await (await env.post('/generate', { prompt: 's3 redirect', response_format: 'b64_json' })).json() as Answer
  const link = answer.data[0]?.url as string
  const redirect = await fetch(link, { redirect: 'manual' })
  t.equal(redirect.status, 302)
  const location = redirect.headers.get('location') as string
  t.match(location, s3.endpoint)
  t.match(location, /X-Amz-Signature=/)
  t.equal(redirect.headers.get('cache-control'), 'private, max-age=90')
  const followed = await fetch(link)
  t.equal(followed.status, 200)
  t.equal(sha256(Buffer.from(await followed.arrayBuffer())), sha256(Buffer.from(answer.data[0]?.b64_json as string, 'base64')))
})

t.test('LINK_MODE=public links point at the public base URL', async (t) => {
  const s3 = await startS3rver(t)
  const env = await startTestGateway(t, { env: { ...s3.env, LINK_MODE: 'public', STORAGE_PUBLIC_URL: `${s3.endpoint}/${s3.bucket}/` } })
  const answer = await (await env.post('/generate', { prompt: 's3 public', response_format: 'b64_json' })).json() as Answer
  t.equal(answer.data[0]?.url, `${s3.endpoint}/${s3.bucket}/default/${answer.id}/0.png`)
  const direct = await fetch(answer.data[0]?.url as string)
  t.equal(direct.status, 200, 's3rver serves the bucket publicly')
  t.equal(sha256(Buffer.from(await direct.arrayBuffer())), sha256(Buffer.from(answer.data[0]?.b64_json as string, 'base64')))
})

t.test('on S3, records get, list and delete are tenant-scoped; deleted links answer 404', async (t) => {
  const s3 = await startS3rver(t)
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: ['acme-key-0123456789'] }, { id: 'beta', keys: ['beta-key-0123456789'] }])
  const env = await startTestGateway(t, { env: { ...s3.env, TENANTS_FILE: tenantsFile } })
  const acme = { authorization: 'Bearer acme-key-0123456789' }
  const beta = { authorization: 'Bearer beta-key-0123456789' }
  const ids: string[] = []
  for (let index = 0; index < 3; index++) {
    ids.push((await (await env.post('/generate', { prompt: `s3 record ${index}` }, acme)).json() as Answer).id)
    await new Promise((resolve) => setTimeout(resolve, 3))
  }
  const page = await (await fetch(`${env.url}/v1/generations?limit=2`, { headers: acme })).json() as { data: Array<{ id: string }>, has_more: boolean, last_id: string }
  t.same(page.data.map((record) => record.id), [ids[2], ids[1]])
  t.equal(page.has_more, true)
  const rest = await (await fetch(`${env.url}/v1/generations?limit=2&after=${page.last_id}`, { headers: acme })).json() as { data: Array<{ id: string }>, has_more: boolean }
  t.same(rest.data.map((record) => record.id), [ids[0]])
  t.equal(rest.has_more, false)

  const record = await (await fetch(`${env.url}/v1/generations/${ids[0]}`, { headers: acme })).json() as { images: Array<{ url: string, sha256: string, width: number }> }
  t.equal(record.images[0]?.width, 1024)
  t.equal((await fetch(`${env.url}/v1/generations/${ids[0]}`, { headers: beta })).status, 404, 'other tenant: 404')
  t.same((await (await fetch(`${env.url}/v1/generations`, { headers: beta })).json() as { data: unknown[] }).data, [])
  t.equal((await fetch(`${env.url}/v1/generations/${ids[0]}`, { method: 'DELETE', headers: beta })).status, 404)

  t.equal((await fetch(`${env.url}/v1/generations/${ids[0]}`, { method: 'DELETE', headers: acme })).status, 200)
  t.equal((await fetch(record.images[0]?.url as string)).status, 404, 'its link answers 404')
  t.same(await s3.storage().list(`acme/${ids[0]}/`), [], 'nothing left in the bucket')
})

t.test('S3 down: the paid-for images go to the spool, links serve them, and the flusher moves them once S3 is back', async (t) => {
  const s3 = await startS3rver(t)
  const env = await startTestGateway(t, { env: { ...s3.env, S3_REQUEST_TIMEOUT_MS: '2000', SPOOL_FLUSH_MS: '60000' } })
  t.equal((await fetch(`${env.url}/readyz`)).status, 200)
  await s3.stop()
  const response = await env.post('/generate', { prompt: 'storage down', n: 2, response_format: 'b64_json' })
  t.equal(response.status, 200, 'the caller still gets the images')
  const answer = await response.json() as Answer
  const ready = await fetch(`${env.url}/readyz`)
  t.equal(ready.status, 503, 'readyz reports the storage outage')
  t.same(await ready.json(), { status: 'not_ready', checks: { storage: 'unavailable' } })
  for (const image of answer.data) {
    const download = await fetch(image.url)
    t.equal(download.status, 200, 'the durable link is served from the spool')
    t.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(Buffer.from(image.b64_json as string, 'base64')))
  }
  const record = await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
  t.equal(record.status, 200, 'its record is readable from the spool too')
  await record.arrayBuffer()

  await s3.restart()
  t.equal(await env.gateway.flusher.flushNow(), true, 'the spool is empty after the flush')
  const keys = await s3.storage().list(`default/${answer.id}/`)
  t.same(keys, [`default/${answer.id}/0.png`, `default/${answer.id}/1.png`, `default/${answer.id}/manifest.json`], 'images and manifest now in the bucket')
  for (const image of answer.data) {
    const download = await fetch(image.url)
    t.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(Buffer.from(image.b64_json as string, 'base64')), 'the same link serves the same bytes from S3')
  }
  t.equal((await fetch(`${env.url}/readyz`)).status, 200)
})

t.test('S3 down and the spool unusable: a clean 503 and nothing visible', async (t) => {
  const s3 = await startS3rver(t)
  const spoolDir = `${await makeDataDir(t)}/spool`
  const env = await startTestGateway(t, { env: { ...s3.env, S3_REQUEST_TIMEOUT_MS: '2000', SPOOL_DIR: spoolDir } })
  const { rm, writeFile } = await import('node:fs/promises')
  await rm(spoolDir, { recursive: true })
  await writeFile(spoolDir, 'not a directory any more')
  await s3.stop()
  const failed = await env.post('/generate', { prompt: 'storage and spool down' })
  t.equal(failed.status, 503)
  const envelope = await failed.json() as Envelope
  t.equal(envelope.error.code, 'storage_unavailable')
  t.equal(envelope.error.type, 'storage_error')
  const listing = await fetch(`${env.url}/v1/generations`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
  t.equal(listing.status, 503, 'reads fail as 503 too, not 500')
  await s3.restart()
  const keys = await s3.storage().list('default/')
  t.notOk(keys.some((key) => key.endsWith('manifest.json')), 'no manifest was written for the failed generation')
})
