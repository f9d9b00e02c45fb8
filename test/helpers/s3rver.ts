// A real S3-compatible server (s3rver) on an ephemeral port with a temp directory, for the S3
// driver's tests. stop()/restart() keep the port and the data, to test storage outages.
import S3rver from 's3rver'
import { S3Storage, type S3StorageOptions } from '../../src/storage/s3-storage.js'
import { makeDataDir, type Teardown } from './temp-dir.js'

export interface TestS3 {
  endpoint: string
  bucket: string
  stop(): Promise<void>
  restart(): Promise<void>
  /** The env a gateway needs to use this server. */
  env: Record<string, string>
  storage(overrides?: Partial<S3StorageOptions>): S3Storage
}

export async function startS3rver (t: Teardown, bucket = 'test-bucket'): Promise<TestS3> {
  const directory = await makeDataDir(t)
  const options = { address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] }
  let server = new S3rver({ ...options, port: 0 })
  const { port } = await server.run()
  let running = true
  const endpoint = `http://127.0.0.1:${port}`
  // The gateway takes credentials from the standard AWS chain, as in production; s3rver's are fixed.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER'
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER'
  t.teardown(async () => { if (running) await server.close() })
  return {
    endpoint,
    bucket,
    async stop () {
      if (!running) return
      await server.close()
      running = false
    },
    async restart () {
      server = new S3rver({ ...options, port })
      await server.run()
      running = true
    },
    env: {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: 'true'
    },
    storage (overrides = {}) {
      const storage = new S3Storage({
        bucket,
        region: 'us-east-1',
        endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        ...overrides
      })
      t.teardown(() => storage.close())
      return storage
    }
  }
}
