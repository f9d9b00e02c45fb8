import t from 'tap'
import { MemoryIdempotencyStore } from '../../src/idempotency/memory-idempotency-store.js'
import { idempotencyStoreContract } from './idempotency-store-contract.js'

idempotencyStoreContract(t, async (t) => {
  const store = new MemoryIdempotencyStore()
  t.teardown(() => store.close())
  return [store, store]
})
