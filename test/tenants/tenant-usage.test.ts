// TenantUsage reads a tenant's usage from the stores that enforce its limits, with no HTTP and no
// rate-limit headers in sight: what it answers comes from the stores alone.
import t from 'tap'
import { ImageAdmission } from '../../src/limits/image-admission.js'
import { MemoryLimitStore } from '../../src/limits/memory-limit-store.js'
import { memoryRequestRateStore, requestRateKey, type RequestRateStore } from '../../src/limits/request-rate-store.js'
import type { Tenant } from '../../src/tenants/tenant.js'
import { TenantUsage } from '../../src/tenants/tenant-usage.js'
import { incr } from '../limits/request-rate-store-contract.js'

const tenant: Tenant = {
  id: 'acme',
  name: 'Acme',
  storagePrefix: 'acme',
  policy: { rateLimit: { max: 5, timeWindowMs: 60_000 }, images: { perMinute: 6, perDay: 10 }, maxInFlight: 2, maxN: 10, storeInputs: true }
}

// Mid-minute, mid-day (UTC): 15 s into a minute, so reset_seconds of the minute window is 45.
const AT = Date.UTC(2026, 10, 24, 12, 0, 15)

function usageAt (t: { teardown(fn: () => unknown): void }) {
  const limits = new MemoryLimitStore({ now: () => AT })
  t.teardown(() => limits.close())
  const requestRates = memoryRequestRateStore()
  return { limits, requestRates, usage: new TenantUsage({ limits, requestRates }, () => AT) }
}

const countRequests = async (store: RequestRateStore, requests: number) => {
  for (let request = 0; request < requests; request++) await incr(store, requestRateKey(tenant.id), tenant.policy.rateLimit.timeWindowMs)
}

t.test('a tenant that did nothing has used nothing', async (t) => {
  const { usage } = usageAt(t)
  t.same(await usage.read(tenant), {
    tenant: 'acme',
    requests: { used: 0, limit: 5, remaining: 5, reset_seconds: 0 },
    images: {
      minute: { used: 0, limit: 6, remaining: 6, reset_seconds: 45 },
      day: { used: 0, limit: 10, remaining: 10, reset_seconds: 43_185 }
    },
    in_flight: { used: 0, limit: 2 }
  })
})

t.test('requests are the rate limit store\'s count, with the seconds left in its window', async (t) => {
  const { usage, requestRates } = usageAt(t)
  await countRequests(requestRates, 3)
  const { requests } = await usage.read(tenant)
  t.same(requests, { ...requests, used: 3, limit: 5, remaining: 2 })
  t.ok(requests.reset_seconds > 55 && requests.reset_seconds <= 60, `reset_seconds ${requests.reset_seconds}`)
})

t.test('reading usage counts no request', async (t) => {
  const { usage, requestRates } = usageAt(t)
  await countRequests(requestRates, 1)
  await usage.read(tenant)
  await usage.read(tenant)
  t.equal((await usage.read(tenant)).requests.used, 1)
})

t.test('requests refused over the limit leave used at the limit and nothing remaining', async (t) => {
  const { usage, requestRates } = usageAt(t)
  await countRequests(requestRates, 8) // the plugin counts the refused ones too
  const { requests } = await usage.read(tenant)
  t.same(requests, { ...requests, used: 5, limit: 5, remaining: 0 })
})

t.test('images and in-flight slots are the limit store\'s', async (t) => {
  const { usage, limits } = usageAt(t)
  const admission = new ImageAdmission(limits, { now: () => AT })
  const settled = await admission.admit(tenant, 4)
  await settled.settle(4)
  await admission.admit(tenant, 1) // still running
  const read = await usage.read(tenant)
  t.same(read.images.minute, { used: 5, limit: 6, remaining: 1, reset_seconds: 45 })
  t.same(read.images.day, { ...read.images.day, used: 5, remaining: 5 })
  t.same(read.in_flight, { used: 1, limit: 2 })
})
