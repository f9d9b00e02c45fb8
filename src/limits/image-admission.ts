// Admits a generation before the provider is called: one in-flight slot, and n images against the
// tenant's per-minute and per-day quotas (fixed windows: the calendar minute and the UTC day).
// What a failed call reserved is given back; a call that stored fewer images than asked pays only
// for those.
import { randomUUID } from 'node:crypto'
import { GatewayError } from '../errors/gateway-error.js'
import type { Tenant } from '../tenants/tenant.js'
import type { LimitStore, WindowCounter } from './limit-store.js'

const MINUTE = 60_000
const DAY = 86_400_000
export const DEFAULT_IN_FLIGHT_LEASE_MS = 30_000

export interface Admission {
  /** The generation failed: give back the images and the slot. */
  release(): Promise<void>
  /** The generation stored `storedImages` images: keep those, give back the rest and the slot. */
  settle(storedImages: number): Promise<void>
}

export interface AdmissionOptions {
  /** An in-flight slot is a lease renewed while the generation runs, so a dead replica's slot frees itself. */
  leaseMs?: number
  now?: () => number
}

// Keys carry the tenant id in braces: a Redis Cluster hash tag, so the minute and day counters
// that one script updates together live in the same slot.
export function quotaCounters (tenant: Tenant, now: number): { minute: WindowCounter, day: WindowCounter, inFlightKey: string } {
  const minuteStart = now - (now % MINUTE)
  const dayStart = now - (now % DAY)
  return {
    minute: { key: `img:{${tenant.id}}:m:${minuteStart}`, limit: tenant.policy.images.perMinute, resetAt: minuteStart + MINUTE },
    day: { key: `img:{${tenant.id}}:d:${dayStart}`, limit: tenant.policy.images.perDay, resetAt: dayStart + DAY },
    inFlightKey: `inflight:{${tenant.id}}`
  }
}

export class ImageAdmission {
  readonly #store: LimitStore
  readonly #leaseMs: number
  readonly #now: () => number

  constructor (store: LimitStore, options: AdmissionOptions = {}) {
    this.#store = store
    this.#leaseMs = options.leaseMs ?? DEFAULT_IN_FLIGHT_LEASE_MS
    this.#now = options.now ?? Date.now
  }

  async admit (tenant: Tenant, images: number): Promise<Admission> {
    const now = this.#now()
    const counters = quotaCounters(tenant, now)
    const slotId = randomUUID()
    const slot = await this.#store.leaseSlot(counters.inFlightKey, slotId, tenant.policy.maxInFlight, this.#leaseMs)
    if (!slot.ok) {
      throw new GatewayError('too_many_in_flight', {
        message: `Tenant ${tenant.id} already has ${slot.used} generations in flight (limit ${tenant.policy.maxInFlight}); retry when one finishes.`
      })
    }
    let quota
    try {
      quota = await this.#store.tryConsume([counters.minute, counters.day], images)
    } catch (error) {
      await this.#store.releaseSlot(counters.inFlightKey, slotId)
      throw error
    }
    if (!quota.ok) {
      await this.#store.releaseSlot(counters.inFlightKey, slotId)
      throw quotaExceeded(tenant, images, quota.blocked, quota.used, counters.day.key, now)
    }
    // Renewal failures are left to the store's failure policy: at worst the lease lapses and the
    // tenant briefly gets one more slot than its cap.
    const renewal = setInterval(() => {
      this.#store.leaseSlot(counters.inFlightKey, slotId, tenant.policy.maxInFlight, this.#leaseMs).catch(() => {})
    }, Math.max(1, Math.floor(this.#leaseMs / 3)))
    renewal.unref()
    const imageKeys = [counters.minute.key, counters.day.key]
    let done = false
    const finish = async (unusedImages: number) => {
      if (done) return
      done = true
      clearInterval(renewal)
      await this.#store.releaseSlot(counters.inFlightKey, slotId)
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
  return new GatewayError('image_quota_exceeded', {
    message: `Image quota exceeded for tenant ${tenant.id}: ${used} of ${blocked.limit} images used this ${window}, ${asked} asked.`,
    headers: { 'retry-after': String(retryAfterSeconds), ...(hopeless ? { 'x-should-retry': 'false' } : {}) }
  })
}
