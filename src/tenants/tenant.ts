import type { Quality } from '../schemas/generation.js'

// Who is calling: the tenant an API key belongs to, and the policy it runs under (every value
// resolved: a tenant's own, or else the global default).
export interface TenantPolicy {
  rateLimit: { max: number, timeWindowMs: number }
  images: { perMinute: number, perDay: number }
  maxInFlight: number
  /** Allowed values; undefined means any. */
  models?: string[]
  sizes?: string[]
  qualities?: Quality[]
  maxN: number
}

export interface Tenant {
  id: string
  name: string
  /** First segment of every storage key this tenant's generations are written under. */
  storagePrefix: string
  policy: TenantPolicy
}
