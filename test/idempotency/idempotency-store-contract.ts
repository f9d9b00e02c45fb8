// One contract for every IdempotencyStore, checked against the memory store and the Redis store.
// `open` returns two handles on the same records (for Redis: two connections, as two replicas).
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import type { IdempotencyStore } from '../../src/idempotency/idempotency-store.js'

type Tap = Test

export type OpenIdempotencyStores = (t: Tap) => Promise<[IdempotencyStore, IdempotencyStore]>

// A finished record keeps the generation a replay re-reads, not a copy of the answer.
const generationId = 'gen_1'

export function idempotencyStoreContract (t: Tap, open: OpenIdempotencyStores): void {
  t.test('one claim wins; others see it pending, then done with the generation id', async (t) => {
    const [first, second] = await open(t)
    const key = randomUUID()
    const claims = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? first : second).claim(key, 'fp', 60_000)))
    t.equal(claims.filter((claim) => claim.claimed).length, 1, 'exactly one claim wins')
    t.same(await second.get(key), { state: 'pending', fingerprint: 'fp' })
    await first.complete(key, 'fp', generationId, 60_000)
    t.same(await second.claim(key, 'fp', 60_000), { claimed: false, record: { state: 'done', fingerprint: 'fp', generationId } })
  })

  t.test('release drops only its own pending claim', async (t) => {
    const [first, second] = await open(t)
    const key = randomUUID()
    const claim = await first.claim(key, 'fp', 60_000)
    if (!claim.claimed) throw new Error('expected the claim')
    await second.release(key, 'someone-else')
    t.equal((await first.get(key))?.state, 'pending', 'another owner cannot release it')
    await second.release(key, claim.owner)
    t.equal(await first.get(key), undefined)
    const again = await second.claim(key, 'fp', 60_000)
    t.ok(again.claimed, 'a retry can claim the key again')
    await second.complete(key, 'fp', generationId, 60_000)
    if (again.claimed) await second.release(key, again.owner)
    t.equal((await first.get(key))?.state, 'done', 'a finished answer is never released')
  })

  t.test('a claim lapses after its lease; an answer after its TTL', async (t) => {
    const [store] = await open(t)
    const key = randomUUID()
    await store.claim(key, 'fp', 200)
    await sleep(350)
    t.equal(await store.get(key), undefined, 'the claim of a dead replica lapses')
    t.ok((await store.claim(key, 'fp', 60_000)).claimed)
    await store.complete(key, 'fp', generationId, 200)
    await sleep(350)
    t.equal(await store.get(key), undefined)
  })
}
