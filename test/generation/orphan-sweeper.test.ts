import t, { type Test } from 'tap'
import { sweepOrphans } from '../../src/generation/orphan-sweeper.js'
import { LocalStorage } from '../../src/storage/local-storage.js'
import { manifestKey, newGenerationId } from '../../src/storage/object-keys.js'
import type { Storage } from '../../src/storage/storage.js'
import { startS3rver } from '../helpers/s3rver.js'
import { makeDataDir } from '../helpers/temp-dir.js'

const MINUTE = 60_000
const png = { contentType: 'image/png' }

async function checkSweep (t: Test, storage: Storage) {
  const now = Date.now()
  const orphan = newGenerationId(now - 60 * MINUTE)
  const complete = newGenerationId(now - 60 * MINUTE)
  const fresh = newGenerationId(now - 1 * MINUTE)
  const ancient = newGenerationId(now - 72 * 60 * MINUTE)
  for (const [tenant, id] of [['acme', orphan], ['acme', complete], ['acme', fresh], ['beta', orphan], ['acme', ancient]] as const) {
    await storage.put(`${tenant}/${id}/0.png`, Buffer.from('image'), png)
  }
  await storage.put(manifestKey('acme', complete), Buffer.from('{}'), { contentType: 'application/json' })
  const removed = await sweepOrphans(storage, { prefixes: ['acme', 'beta', 'nobody'], minAgeMs: 15 * MINUTE, lookbackMs: 48 * 60 * MINUTE, now })
  t.same(removed.sort(), [`acme/${orphan}`, `beta/${orphan}`].sort(), 'both tenants\' old orphans removed')
  t.same(await storage.list(`acme/${orphan}/`), [])
  t.equal((await storage.list(`acme/${complete}/`)).length, 2, 'a generation with its manifest stays')
  t.equal((await storage.list(`acme/${fresh}/`)).length, 1, 'a generation that may still be being written stays')
  t.equal((await storage.list(`acme/${ancient}/`)).length, 1, 'beyond the lookback is left to earlier sweeps')
}

t.test('local: generations without a manifest are swept once old enough', async (t) => {
  const storage = new LocalStorage({ rootDir: await makeDataDir(t), fsync: false })
  await storage.init()
  await checkSweep(t, storage)
})

t.test('s3: generations without a manifest are swept once old enough', async (t) => {
  const s3 = await startS3rver(t)
  await checkSweep(t, s3.storage())
})
