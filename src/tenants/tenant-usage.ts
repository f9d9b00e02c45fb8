// What a tenant has used of its limits right now (GET /v1/usage), read from the stores that enforce
// them: request counts from the rate limit's store, image quotas and in-flight slots from the limit
// store. Nothing is counted or taken by reading.
import type { Static } from '@sinclair/typebox'
import { quotaCounters } from '../limits/image-admission.js'
import type { LimitStore } from '../limits/limit-store.js'
import { readRequestCount, requestRateKey, type RequestRateStore } from '../limits/request-rate-store.js'
import type { UsageResponse } from '../schemas/usage.js'
import type { Tenant } from './tenant.js'

export type Usage = Static<typeof UsageResponse>
type Window = Usage['requests']

export interface TenantUsageStores {
  limits: LimitStore
  requestRates: RequestRateStore
}

export class TenantUsage {
  readonly #stores: TenantUsageStores
  readonly #now: () => number

  constructor (stores: TenantUsageStores, now: () => number = Date.now) {
    this.#stores = stores
    this.#now = now
  }

  async read (tenant: Tenant): Promise<Usage> {
    const at = this.#now()
    const counters = quotaCounters(tenant, at)
    const { max, timeWindowMs } = tenant.policy.rateLimit
    const [requests, [minuteUsed = 0, dayUsed = 0], inFlight] = await Promise.all([
      readRequestCount(this.#stores.requestRates, requestRateKey(tenant.id), timeWindowMs, max),
      this.#stores.limits.peek([counters.minute.key, counters.day.key]),
      this.#stores.limits.slotsInUse(counters.inFlightKey)
    ])
    return {
      tenant: tenant.id,
      // Requests the rate limit refused are counted in its store too, so a count can pass the
      // limit; it stops there, as x-ratelimit-remaining stops at 0.
      requests: window(Math.min(requests.current, max), max, Math.ceil(requests.ttl / 1000)),
      images: {
        minute: window(minuteUsed, counters.minute.limit, secondsUntil(counters.minute.resetAt, at)),
        day: window(dayUsed, counters.day.limit, secondsUntil(counters.day.resetAt, at))
      },
      in_flight: { used: inFlight, limit: tenant.policy.maxInFlight }
    }
  }
}

function window (used: number, limit: number, resetSeconds: number): Window {
  return { used, limit, remaining: Math.max(0, limit - used), reset_seconds: Math.max(0, resetSeconds) }
}

function secondsUntil (resetAt: number, now: number): number {
  return Math.ceil((resetAt - now) / 1000)
}
