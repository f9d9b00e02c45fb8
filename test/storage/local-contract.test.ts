import t from 'tap'
import { LocalStorage } from '../../src/storage/local-storage.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { runStorageContract } from './storage-contract.js'

runStorageContract(t, 'local', async (t) => {
  const storage = new LocalStorage({ rootDir: await makeDataDir(t), fsync: false })
  await storage.init()
  return storage
})
