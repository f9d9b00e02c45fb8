// One contract for every RequestRateStore (the plugin's LocalStore, its RedisStore, our guarded
// store): `read` reports what `incr` counted and counts nothing itself. `open` returns two handles
// on the same counts (for Redis: two connections, as two replicas would have).
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import { askRequestCount, readRequestCount, type RequestCount, type RequestRateStore } from '../../src/limits/request-rate-store.js'

export type OpenRequestRateStores = (t: Test) => Promise<[RequestRateStore, RequestRateStore]>

const WINDOW_MS = 60_000
const MAX = 10

/** One request counted, as the plugin counts it. */
export async function incr (store: RequestRateStore, key: string, windowMs = WINDOW_MS): Promise<RequestCount> {
  return await askRequestCount(store, 'incr', key, windowMs, MAX)
}

export function requestRateStoreContract (t: Test, open: OpenRequestRateStores): void {
  t.test('read of a key never counted is zero with no window, and creates nothing', async (t) => {
    const [store] = await open(t)
    const key = `tenant:${randomUUID()}`
    t.same(await readRequestCount(store, key, WINDOW_MS, MAX), { current: 0, ttl: 0 })
    t.equal((await incr(store, key)).current, 1, 'the first request after a read is still the first')
  })

  t.test('read reports what incr counted and the time left in the window', async (t) => {
    const [store] = await open(t)
    const key = `tenant:${randomUUID()}`
    for (let request = 0; request < 3; request++) await incr(store, key)
    const count = await readRequestCount(store, key, WINDOW_MS, MAX)
    t.equal(count.current, 3)
    t.ok(count.ttl > WINDOW_MS - 5000 && count.ttl <= WINDOW_MS, `ttl ${count.ttl} is what is left of the window`)
  })

  t.test('read counts nothing, however often it runs', async (t) => {
    const [store] = await open(t)
    const key = `tenant:${randomUUID()}`
    await incr(store, key)
    for (let read = 0; read < 5; read++) t.equal((await readRequestCount(store, key, WINDOW_MS, MAX)).current, 1)
    t.equal((await incr(store, key)).current, 2)
  })

  t.test('one handle reads what the other counted', async (t) => {
    const [first, second] = await open(t)
    const key = `tenant:${randomUUID()}`
    await incr(first, key)
    await incr(first, key)
    t.equal((await readRequestCount(second, key, WINDOW_MS, MAX)).current, 2)
  })

  t.test('read after the window has passed is zero again', async (t) => {
    const [store] = await open(t)
    const key = `tenant:${randomUUID()}`
    // A real wait: the Redis store's window is Redis's own PEXPIRE, which no fake clock moves.
    await incr(store, key, 100)
    await sleep(250)
    t.same(await readRequestCount(store, key, 100, MAX), { current: 0, ttl: 0 })
  })
}
