import t from 'tap'
import { GatewayError } from '../../src/errors/gateway-error.js'
import { ImageAdmission, quotaCounters } from '../../src/limits/image-admission.js'
import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js'
import type { Tenant } from '../../src/tenants/tenant.js'

const tenant: Tenant = {
  id: 'acme',
  name: 'Acme',
  storagePrefix: 'acme',
  policy: { rateLimit: { max: 100, timeWindowMs: 60_000 }, images: { perMinute: 6, perDay: 10 }, maxInFlight: 2, maxN: 10, storeInputs: true }
}

function admissionAt (start: number) {
  let now = start
  const store = new MemoryLimitStore({ now: () => now })
  t.teardown(() => store.close())
  return { admission: new ImageAdmission(store, { now: () => now }), advance: (ms: number) => { now += ms } }
}

const rejection = async (promise: Promise<unknown>): Promise<GatewayError> => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught)
  if (!(error instanceof GatewayError)) throw new Error('expected a GatewayError')
  return error
}

const DAY_START = Date.UTC(2026, 10, 24)

t.test('the per-minute quota counts images, refuses past the limit with retry-after to the next minute, and frees with the minute', async (t) => {
  const { admission, advance } = admissionAt(DAY_START + 15_000)
  await (await admission.admit(tenant, 4)).settle(4)
  const refused = await rejection(admission.admit(tenant, 4))
  t.equal(refused.status, 429)
  t.equal(refused.code, 'image_quota_exceeded')
  t.equal(refused.headers['retry-after'], '45', 'seconds to the next calendar minute')
  t.equal(refused.headers['x-should-retry'], undefined, 'worth retrying')
  advance(45_000)
  await (await admission.admit(tenant, 4)).settle(4)
  t.pass('a new minute admits again')
})

t.test('the per-day quota refuses until midnight UTC and tells clients not to retry soon', async (t) => {
  const { admission, advance } = admissionAt(DAY_START + 3_600_000)
  for (let minute = 0; minute < 2; minute++) {
    await (await admission.admit(tenant, 5)).settle(5)
    advance(60_000)
  }
  const refused = await rejection(admission.admit(tenant, 1))
  t.equal(refused.headers['x-should-retry'], 'false')
  t.equal(Number(refused.headers['retry-after']), 86_400 - 3_600 - 120)
  advance(86_400_000)
  await (await admission.admit(tenant, 1)).release()
  t.pass('the next day admits again')
})

t.test('a released admission gives its images and slot back; a settled one keeps only what was stored', async (t) => {
  const { admission } = admissionAt(DAY_START)
  await (await admission.admit(tenant, 6)).release()
  const partial = await admission.admit(tenant, 6)
  await partial.settle(2)
  await partial.settle(2) // settling twice must not give back twice
  await (await admission.admit(tenant, 4)).settle(4)
  const refused = await rejection(admission.admit(tenant, 1))
  t.match(refused.message, /6 of 6 images used this minute/)
})

t.test('in-flight slots cap concurrent generations and free when they end', async (t) => {
  const { admission } = admissionAt(DAY_START)
  const first = await admission.admit(tenant, 1)
  await admission.admit(tenant, 1)
  const refused = await rejection(admission.admit(tenant, 1))
  t.equal(refused.code, 'too_many_in_flight')
  await first.settle(1)
  await admission.admit(tenant, 1)
  t.pass('a finished generation frees its slot')
})

t.test('a request larger than the whole quota is refused as hopeless', async (t) => {
  const { admission } = admissionAt(DAY_START)
  const refused = await rejection(admission.admit(tenant, 7))
  t.equal(refused.headers['x-should-retry'], 'false')
})

t.test('a running generation keeps renewing its slot lease, and frees it when it ends', async (t) => {
  const store = new MemoryLimitStore()
  t.teardown(() => store.close())
  const admission = new ImageAdmission(store, { leaseMs: 300 })
  const running = await admission.admit(tenant, 1)
  await new Promise((resolve) => setTimeout(resolve, 1000))
  t.equal(await store.slotsInUse(quotaCounters(tenant, Date.now()).inFlightKey), 1, 'still held after more than three leases')
  await running.settle(1)
  t.equal(await store.slotsInUse(quotaCounters(tenant, Date.now()).inFlightKey), 0)
})
