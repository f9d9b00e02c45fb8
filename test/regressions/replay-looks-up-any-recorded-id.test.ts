// A replay looked up whatever generation id its idempotency record held (a record read back from
// Redis, outside the process) as a storage key under the tenant's prefix: `../other/…` reached the
// storage driver (the local one threw on it, S3 would have read that literal key). The manifest
// reader now turns only generation ids into keys; anything else is a generation that does not exist.
import t from 'tap'
import { ManifestReader } from '../../src/generation/manifest-reader.js'
import { LocalStorage } from '../../src/storage/local-storage.js'
import { makeDataDir } from '../helpers/temp-dir.js'

t.test('an id that is not a generation id is missing, and storage is never asked', async (t) => {
  const storage = new LocalStorage({ rootDir: await makeDataDir(t), fsync: false })
  await storage.init()
  const asked: string[] = []
  const getBytes = storage.getBytes.bind(storage)
  storage.getBytes = async (key) => { asked.push(key); return await getBytes(key) }
  const manifests = new ManifestReader(storage, { ttlMs: 0 })
  for (const id of ['../globex/gen_0123456789ab0123456789abcdef01234567', 'gen_1', '', 'gen_0123456789ab0123456789abcdef01234567/..']) {
    t.same(await manifests.lookup('acme', id, { fresh: true }), { state: 'missing' }, JSON.stringify(id))
  }
  t.same(asked, [], 'no key was built from them')
  t.same(await manifests.lookup('acme', 'gen_0123456789ab0123456789abcdef01234567'), { state: 'missing' })
  t.equal(asked.length, 1, 'a real generation id is still looked up')
})
