// Regression: a storage body that stops delivering bytes after its headers (a bucket that hangs
// mid-object) held the download, its socket and the backend connection for ever. Now a body idle
// for STORAGE_STREAM_IDLE_MS is destroyed, and so is the client's connection: it sees an error
// instead of waiting for bytes that never come.
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { newGenerationId } from '../../src/storage/object-keys.js'
import type { Manifest } from '../../src/schemas/generation.js'

const NO_ANSWER_MS = 20_000

/** A bucket that serves one manifest, and an image whose body stalls after its first bytes. */
async function startStallingBucket (t: Test, manifestKey: string, imageKey: string, imageBytes: number, manifestJson: string) {
  const stalled = new Set<http.ServerResponse>()
  const server = http.createServer((request, response) => {
    const key = decodeURIComponent((request.url ?? '').split('?')[0] ?? '').replace(/^\/test-bucket\//, '')
    request.resume()
    if (request.method === 'GET' && key === manifestKey) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(manifestJson) }).end(manifestJson)
      return
    }
    if (request.method === 'GET' && key === imageKey) {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': imageBytes, 'last-modified': new Date().toUTCString() })
      response.write(Buffer.alloc(100, 7)) // then nothing, for ever
      stalled.add(response)
      return
    }
    response.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    for (const response of stalled) response.destroy()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('a download whose storage body stalls is cut off instead of hanging', async (t) => {
  const generationId = newGenerationId()
  const imageKey = `default/${generationId}/0.png`
  const imageBytes = 5000
  // A complete manifest: the gateway checks stored manifests against the Manifest schema.
  const manifest: Manifest = {
    id: generationId,
    tenantId: 'default',
    created: Math.floor(Date.now() / 1000),
    storedAt: new Date().toISOString(),
    model: 'gpt-image-1',
    request: { prompt: 'stall' },
    upstream: { name: 'default', model: 'gpt-image-1', latencyMs: 1 },
    images: [{ index: 0, key: imageKey, url: `/images/${imageKey}`, bytes: imageBytes, sha256: createHash('sha256').update('stall').digest('hex'), contentType: 'image/png', width: 1, height: 1 }]
  }
  const endpoint = await startStallingBucket(t, `default/${generationId}/manifest.json`, imageKey, imageBytes, JSON.stringify(manifest))
  process.env.AWS_ACCESS_KEY_ID = 'TEST'
  process.env.AWS_SECRET_ACCESS_KEY = 'TEST'
  const env = await startTestGateway(t, {
    env: {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'test-bucket',
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      STORAGE_STREAM_IDLE_MS: '500',
      SPOOL_FLUSH_MS: '3600000'
    }
  })

  const download = await fetch(`${env.url}/images/${imageKey}`, { signal: AbortSignal.timeout(NO_ANSWER_MS) })
  t.equal(download.status, 200, 'the headers were out before the stall')
  t.equal(download.headers.get('content-length'), String(imageBytes))
  const body = await download.arrayBuffer().then(() => undefined, (error: unknown) => error as Error)
  t.ok(body instanceof Error, 'the body fails instead of completing short')
  t.not(body?.name, 'TimeoutError', 'the gateway cut it off; the test did not have to give up waiting')
  t.ok(env.logLines.some((line) => line.includes('no answer within 500 ms')), 'the log says the storage stream stalled')
})
