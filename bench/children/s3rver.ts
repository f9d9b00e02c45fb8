// Benchmark child: s3rver (an S3-compatible server) in its own process with one bucket, so the s3
// scenario's storage work is not done on the load generator's thread.
import S3rver from 's3rver'
import { serveParent } from './serve-parent.js'

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.env.S3RVER_DIR ?? '',
  configureBuckets: [{ name: process.env.S3RVER_BUCKET ?? 'bench' }]
})
const { port } = await server.run()
serveParent({ url: `http://127.0.0.1:${port}`, close: async () => { await server.close() } })
