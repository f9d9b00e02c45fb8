import { HeadObjectCommand } from '@aws-sdk/client-s3'
import t from 'tap'
import { startS3rver } from '../helpers/s3rver.js'
import { runStorageContract } from './storage-contract.js'

let bucketCount = 0
runStorageContract(t, 's3', async (t) => {
  const s3 = await startS3rver(t, `contract-${bucketCount++}`)
  return s3.storage()
})

t.test('s3: objects carry their content type, Cache-Control and sha256 metadata', async (t) => {
  const s3 = await startS3rver(t)
  const storage = s3.storage()
  await storage.put('acme/gen_m/0.png', Buffer.from('image'), { contentType: 'image/png', cacheControl: 'public, max-age=31536000, immutable', sha256: 'ab'.repeat(32) })
  const head = await storage.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'acme/gen_m/0.png' }))
  t.equal(head.ContentType, 'image/png')
  t.equal(head.CacheControl, 'public, max-age=31536000, immutable')
  t.equal(head.Metadata?.sha256, 'ab'.repeat(32))
  t.equal(head.ContentLength, 5, 'stored bytes are the body, without any chunk framing')
})

t.test('s3: a presigned URL downloads the object', async (t) => {
  const s3 = await startS3rver(t)
  const storage = s3.storage()
  await storage.put('acme/gen_p/0.png', Buffer.from('presigned bytes'), { contentType: 'image/png' })
  const url = await storage.presignedGetUrl('acme/gen_p/0.png', 60)
  const response = await fetch(url)
  t.equal(response.status, 200)
  t.equal(await response.text(), 'presigned bytes')
})

t.test('s3: a stopped server makes checkReady and put fail promptly, and a restart recovers', async (t) => {
  const s3 = await startS3rver(t)
  const storage = s3.storage({ maxAttempts: 1, requestTimeoutMs: 2000 })
  await storage.put('acme/gen_s/0.png', Buffer.from('before'), { contentType: 'image/png' })
  await s3.stop()
  await t.rejects(storage.checkReady(), /bucket test-bucket is not usable/)
  await t.rejects(storage.put('acme/gen_s/1.png', Buffer.from('during'), { contentType: 'image/png' }))
  await s3.restart()
  await storage.checkReady()
  t.equal((await storage.getBytes('acme/gen_s/0.png'))?.toString(), 'before', 'data survived the restart')
})

t.test('s3: a missing bucket is not ready', async (t) => {
  const s3 = await startS3rver(t)
  const storage = s3.storage({ bucket: 'no-such-bucket', maxAttempts: 1 })
  await t.rejects(storage.checkReady(), /no-such-bucket is not usable \(HTTP 404\)/)
})
