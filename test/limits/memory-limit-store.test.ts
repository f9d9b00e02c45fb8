import t from 'tap'
import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js'
import { limitStoreContract } from './limit-store-contract.js'

limitStoreContract(t, async (t) => {
  const store = new MemoryLimitStore()
  t.teardown(() => store.close())
  return [store, store]
})
