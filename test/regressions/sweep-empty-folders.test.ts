// Regression: empty generation folders left by a crash (made, then nothing renamed into them) were
// never removed, yet every sweep counted them as removed ("removed 4" each run), and they kept
// taking slots of list pages. Now the sweep removes them and reports only what it removed.
import { access, mkdir } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import { sweepOrphans } from '../../src/generation/orphan-sweeper.js'
import { createStorage } from '../../src/storage/create-storage.js'
import { manifestKey, newGenerationId } from '../../src/storage/object-keys.js'
import { makeDataDir } from '../helpers/temp-dir.js'

const MINUTE = 60_000

t.test('the sweep removes empty generation folders once, then reports nothing', async (t) => {
  const dataDir = await makeDataDir(t)
  const storage = await createStorage(loadConfig({ DATA_DIR: dataDir, STORAGE_FSYNC: 'false' }).storage)
  t.teardown(() => storage.close())
  const now = Date.now()
  const emptyIds = [newGenerationId(now - 60 * MINUTE), newGenerationId(now - 90 * MINUTE)]
  const freshEmpty = newGenerationId(now - 1 * MINUTE)
  for (const id of [...emptyIds, freshEmpty]) await mkdir(path.join(dataDir, 'acme', id), { recursive: true })
  const complete = newGenerationId(now - 60 * MINUTE)
  await storage.put(`acme/${complete}/0.png`, Buffer.from('image'), { contentType: 'image/png' })
  await storage.put(manifestKey('acme', complete), Buffer.from('{}'), { contentType: 'application/json' })
  const options = { prefixes: ['acme'], minAgeMs: 15 * MINUTE, lookbackMs: 48 * 60 * MINUTE, now }

  const first = await sweepOrphans(storage, options)
  t.same(first.sort(), emptyIds.map((id) => `acme/${id}`).sort(), 'the old empty folders are reported removed')
  for (const id of emptyIds) await t.rejects(access(path.join(dataDir, 'acme', id)), { code: 'ENOENT' }, `acme/${id} is gone from disk`)
  await t.resolves(access(path.join(dataDir, 'acme', freshEmpty)), 'a folder that may still be being written stays')
  t.same((await storage.listFolders('acme/', { limit: 10 })).names.sort(), [complete, freshEmpty].sort(), 'list pages no longer hold them')

  t.same(await sweepOrphans(storage, options), [], 'the next sweep removes, and reports, nothing')
})
