// One contract for every LimitStore: what limits rely on, checked against the memory store and the
// Redis store alike. `open` returns two handles on the same shared state (for Redis: two
// connections, as two replicas would have).
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import type { LimitStore, WindowCounter } from '../../src/limits/limit-store.js'

type Tap = Test

export type OpenStores = (t: Tap) => Promise<[LimitStore, LimitStore]>

const counter = (limit: number, lifetimeMs = 60_000): WindowCounter => ({ key: `c:${randomUUID()}`, limit, resetAt: Date.now() + lifetimeMs })

export function limitStoreContract (t: Tap, open: OpenStores): void {
  t.test('tryConsume adds to every counter when all fit, and to none when one would exceed', async (t) => {
    const [store] = await open(t)
    const minute = counter(5)
    const day = counter(8)
    t.same(await store.tryConsume([minute, day], 4), { ok: true })
    t.same(await store.peek([minute.key, day.key]), [4, 4])
    const refused = await store.tryConsume([day, minute], 2)
    t.same(refused, { ok: false, blocked: minute, used: 4 }, 'names the counter that refused and its value')
    t.same(await store.peek([minute.key, day.key]), [4, 4], 'nothing was added')
    t.same(await store.tryConsume([minute, day], 1), { ok: true }, 'exactly up to the limit')
  })

  t.test('concurrent tryConsume from two handles never passes the limit', async (t) => {
    const [first, second] = await open(t)
    const shared = counter(10)
    const results = await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? first : second).tryConsume([shared], 1)))
    t.equal(results.filter((result) => result.ok).length, 10)
    t.same(await first.peek([shared.key]), [10])
  })

  t.test('giveBack takes back, never below zero, and leaves unknown counters unknown', async (t) => {
    const [store] = await open(t)
    const used = counter(10)
    await store.tryConsume([used], 3)
    await store.giveBack([used.key], 2)
    t.same(await store.peek([used.key]), [1])
    await store.giveBack([used.key], 5)
    t.same(await store.peek([used.key]), [0])
    const unknown = `c:${randomUUID()}`
    await store.giveBack([unknown], 1)
    t.same(await store.peek([unknown]), [0])
  })

  t.test('a counter is forgotten at its resetAt', async (t) => {
    const [store] = await open(t)
    const short = counter(2, 300)
    t.same(await store.tryConsume([short], 2), { ok: true })
    t.equal((await store.tryConsume([short], 1)).ok, false)
    await sleep(450)
    t.same(await store.peek([short.key]), [0])
    t.same(await store.tryConsume([{ ...short, resetAt: Date.now() + 60_000 }], 2), { ok: true }, 'a new window starts from zero')
  })

  t.test('slots: up to the limit, renewals never refused, released slots free at once', async (t) => {
    const [first, second] = await open(t)
    const pool = `p:${randomUUID()}`
    t.same(await first.leaseSlot(pool, 'a', 2, 60_000), { ok: true })
    t.same(await second.leaseSlot(pool, 'b', 2, 60_000), { ok: true })
    t.same(await first.leaseSlot(pool, 'c', 2, 60_000), { ok: false, used: 2 }, 'the third slot is refused with the count')
    t.same(await first.leaseSlot(pool, 'a', 2, 60_000), { ok: true }, 'renewing a held slot at the limit')
    t.equal(await second.slotsInUse(pool), 2)
    await second.releaseSlot(pool, 'a')
    t.equal(await first.slotsInUse(pool), 1)
    t.same(await first.leaseSlot(pool, 'c', 2, 60_000), { ok: true })
  })

  t.test('concurrent slot leases from two handles never pass the limit', async (t) => {
    const [first, second] = await open(t)
    const pool = `p:${randomUUID()}`
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? first : second).leaseSlot(pool, `s${index}`, 3, 60_000)))
    t.equal(results.filter((result) => result.ok).length, 3)
    t.equal(await first.slotsInUse(pool), 3)
  })

  t.test('a slot that is not renewed frees itself after its lease; a renewed one stays', async (t) => {
    const [store] = await open(t)
    const pool = `p:${randomUUID()}`
    await store.leaseSlot(pool, 'abandoned', 2, 300)
    await store.leaseSlot(pool, 'renewed', 2, 300)
    for (let round = 0; round < 3; round++) {
      await sleep(150)
      await store.leaseSlot(pool, 'renewed', 2, 300)
    }
    t.equal(await store.slotsInUse(pool), 1, 'only the renewed slot is left')
    t.same(await store.leaseSlot(pool, 'new', 2, 60_000), { ok: true })
    t.same(await store.leaseSlot(pool, 'newer', 2, 60_000), { ok: false, used: 2 })
  })
}
