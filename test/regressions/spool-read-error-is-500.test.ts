// Regression: reads fall back to the spool, whose files were read without the error wrapping
// durable storage has: a file-system error there (here, a manifest path that is a directory)
// escaped as a raw error and answered 500 instead of storage's 503 with retry-after.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { newGenerationId } from '../../src/storage/object-keys.js'

t.test('a spool read that fails in the file system answers 503 storage_unavailable, not 500', async (t) => {
  const env = await startTestGateway(t, { env: { SPOOL_FLUSH_MS: '3600000' } })
  const generationId = newGenerationId()
  await mkdir(path.join(env.dataDir, '.spool', 'default', generationId, 'manifest.json'), { recursive: true })

  const download = await fetch(`${env.url}/images/default/${generationId}/0.png`)
  t.equal(download.status, 503)
  t.ok(download.headers.get('retry-after') !== null, 'with retry-after')
  t.equal((await download.json() as { error: { code: string } }).error.code, 'storage_unavailable')
})
