// Admits a generation before the provider is called: one in-flight slot, and n images against the
// tenant's per-minute and per-day quotas (fixed windows: the calendar minute and the UTC day).
// What a failed call reserved is given back; a call that stored fewer images than asked pays only
// for those.
import { GatewayError } from '../errors/gateway-error.js'
import type { Tenant } from '../tenants/tenant.js'
import type { LimitStore, WindowCounter } from './limit-store.js'

const MINUTE = 60_000
const DAY = 86_400_000
// An in-flight slot is a lease: if a process dies holding it, the slot frees itself after this.
export const IN_FLIGHT_LEASE_MS = 15 * MINUTE

export interface Admission {
  /** The generation failed: give back the images and the slot. */
  release(): Promise<void>
  /** The generation stored `storedImages` images: keep those, give back the rest and the slot. */
  settle(storedImages: number): Promise<void>
}

export function quotaCounters (tenant: Tenant, now: number): { minute: WindowCounter, day: WindowCounter, inFlight: WindowCounter } {
  const minuteStart = now - (now % MINUTE)
  const dayStart = now - (now % DAY)
  return {
    minute: { key: `img:m:${tenant.id}:${minuteStart}`, limit: tenant.policy.images.perMinute, resetAt: minuteStart + MINUTE },
    day: { key: `img:d:${tenant.id}:${dayStart}`, limit: tenant.policy.images.perDay, resetAt: dayStart + DAY },
    inFlight: { key: `inflight:${tenant.id}`, limit: tenant.policy.maxInFlight, resetAt: now + IN_FLIGHT_LEASE_MS }
  }
}

export class ImageAdmission {
  readonly #store: LimitStore
  readonly #now: () => number

  constructor (store: LimitStore, now: () => number = Date.now) {
    this.#store = store
    this.#now = now
  }

  async admit (tenant: Tenant, images: number): Promise<Admission> {
    const now = this.#now()
    const counters = quotaCounters(tenant, now)
    const slot = await this.#store.tryConsume([counters.inFlight], 1)
    if (!slot.ok) {
      throw new GatewayError({
        status: 429,
        type: 'rate_limit_error',
        code: 'too_many_in_flight',
        message: `Tenant ${tenant.id} already has ${slot.used} generations in flight (limit ${tenant.policy.maxInFlight}); retry when one finishes.`,
        headers: { 'retry-after': '1' }
      })
    }
    const quota = await this.#store.tryConsume([counters.minute, counters.day], images)
    if (!quota.ok) {
      await this.#store.giveBack([counters.inFlight.key], 1)
      throw quotaExceeded(tenant, images, quota.blocked, quota.used, counters.day.key, now)
    }
    const imageKeys = [counters.minute.key, counters.day.key]
    let done = false
    const finish = async (unusedImages: number) => {
      if (done) return
      done = true
      await this.#store.giveBack([counters.inFlight.key], 1)
      if (unusedImages > 0) await this.#store.giveBack(imageKeys, unusedImages)
    }
    return {
      release: () => finish(images),
      settle: (storedImages) => finish(Math.max(0, images - storedImages))
    }
  }
}

function quotaExceeded (tenant: Tenant, asked: number, blocked: WindowCounter, used: number, dayKey: string, now: number): GatewayError {
  const retryAfterSeconds = Math.max(1, Math.ceil((blocked.resetAt - now) / 1000))
  const window = blocked.key === dayKey ? 'day (UTC)' : 'minute'
  // A request larger than the whole quota can never pass; a used-up daily quota will not pass soon.
  const hopeless = asked > blocked.limit || blocked.key === dayKey
  return new GatewayError({
    status: 429,
    type: 'rate_limit_error',
    code: 'image_quota_exceeded',
    message: `Image quota exceeded for tenant ${tenant.id}: ${used} of ${blocked.limit} images used this ${window}, ${asked} asked.`,
    headers: { 'retry-after': String(retryAfterSeconds), ...(hopeless ? { 'x-should-retry': 'false' } : {}) }
  })
}
