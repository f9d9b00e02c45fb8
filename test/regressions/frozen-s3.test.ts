// Regression: with S3 frozen (connections accepted, nothing answered), generations, image reads and
// /readyz hung for minutes: the SDK's node handler only warned when requestTimeout passed, and no
// storage operation had a deadline of its own. Now every storage call is bounded: a write goes to
// the spool, a read answers 503 with retry-after, /readyz answers 503 with storage: timeout.
import { createHash } from 'node:crypto'
import { access, readFile } from 'node:fs/promises'
import path from 'node:path'
import t, { type Test } from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { startS3rver } from '../helpers/s3rver.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

interface Answer { id: string, data: Array<{ url: string, b64_json: string }> }

// Small limits so the test is quick; a hang is still caught by the abort below, far above them.
const BOUNDS = { S3_REQUEST_TIMEOUT_MS: '400', STORAGE_OP_TIMEOUT_MS: '1000', READY_TIMEOUT_MS: '300', SPOOL_FLUSH_MS: '60000' }
const NO_ANSWER_MS = 20_000
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function gatewayOnFreezableS3 (t: Test) {
  const s3 = await startS3rver(t)
  const proxy = await startTcpProxy(t, { host: '127.0.0.1', port: Number(new URL(s3.endpoint).port) })
  const env = await startTestGateway(t, { env: { ...s3.env, S3_ENDPOINT: `http://127.0.0.1:${proxy.port}`, ...BOUNDS } })
  return { s3, proxy, env }
}

t.test('a generation against a frozen S3 answers 200 and its images wait in the spool', async (t) => {
  const { proxy, env } = await gatewayOnFreezableS3(t)
  proxy.pause()
  const response = await fetch(`${env.url}/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'frozen bucket write', n: 2, response_format: 'b64_json' }),
    signal: AbortSignal.timeout(NO_ANSWER_MS)
  }).catch((error: unknown) => error)
  if (!(response instanceof Response)) return t.fail(`the generation never answered: ${String(response)}`)
  const generated = response
  t.equal(generated.status, 200)
  const answer = await generated.json() as Answer
  for (const [index, image] of answer.data.entries()) {
    const spooled = await readFile(path.join(env.dataDir, '.spool', 'default', answer.id, `${index}.png`))
    t.equal(sha256(spooled), sha256(Buffer.from(image.b64_json, 'base64')), `image ${index} is in the spool, byte for byte`)
  }
  await t.resolves(access(path.join(env.dataDir, '.spool', 'default', answer.id, 'manifest.json')), 'the manifest is spooled too')
})

t.test('an image only in a frozen S3 answers 503 storage_unavailable with retry-after', async (t) => {
  const { proxy, env } = await gatewayOnFreezableS3(t)
  const answer = await (await env.post('/generate', { prompt: 'frozen bucket read' })).json() as Answer
  const link = answer.data[0]?.url as string
  t.equal((await fetch(link, { method: 'HEAD' })).status, 200, 'stored in S3 (and its manifest now cached)')
  proxy.pause()
  const download = await fetch(link, { signal: AbortSignal.timeout(NO_ANSWER_MS) }).catch((error: unknown) => error)
  if (!(download instanceof Response)) return t.fail(`the read never answered: ${String(download)}`)
  const failed = download
  t.equal(failed.status, 503)
  t.equal(failed.headers.get('retry-after'), '5')
  t.equal(failed.headers.get('cache-control'), null, 'a failure is not cached as the immutable image')
  t.same(await failed.json(), {
    error: { message: 'Storage did not answer in time; try again shortly.', type: 'storage_error', param: null, code: 'storage_unavailable' }
  })
})

t.test('an image whose manifest must come from a frozen S3 answers 503 with retry-after', async (t) => {
  const { proxy, env } = await gatewayOnFreezableS3(t)
  const answer = await (await env.post('/generate', { prompt: 'frozen bucket manifest' })).json() as Answer
  proxy.pause()
  const download = await fetch(answer.data[0]?.url as string, { signal: AbortSignal.timeout(NO_ANSWER_MS) }).catch((error: unknown) => error)
  if (!(download instanceof Response)) return t.fail(`the read never answered: ${String(download)}`)
  t.equal(download.status, 503)
  t.equal(download.headers.get('retry-after'), '5')
  t.equal(((await download.json()) as { error: { code: string } }).error.code, 'storage_unavailable')
})

t.test('/readyz on a frozen S3 answers 503 with storage: timeout within its own deadline', async (t) => {
  const { proxy, env } = await gatewayOnFreezableS3(t)
  const healthy = await fetch(`${env.url}/readyz`)
  t.equal(healthy.status, 200)
  t.same(await healthy.json(), { status: 'ready', checks: { storage: 'ok' } })
  proxy.pause()
  const probe = await fetch(`${env.url}/readyz`, { signal: AbortSignal.timeout(NO_ANSWER_MS) }).catch((error: unknown) => error)
  if (!(probe instanceof Response)) return t.fail(`/readyz never answered: ${String(probe)}`)
  t.equal(probe.status, 503)
  t.same(await probe.json(), { status: 'not_ready', checks: { storage: 'timeout' } })
})
