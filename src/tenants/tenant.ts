import type { Quality } from '../schemas/generation.js'

/** The operations a policy can allow: the three image calls, and streaming any of them. */
export const TENANT_OPERATIONS = ['generate', 'edit', 'variation', 'stream'] as const
export type TenantOperation = typeof TENANT_OPERATIONS[number]

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
  /** What the tenant may do; undefined means every operation. */
  operations?: TenantOperation[]
  /** Whether the input images of edits and variations are stored beside the outputs. */
  storeInputs: boolean
}

export interface Tenant {
  id: string
  name: string
  /** First segment of every storage key this tenant's generations are written under. */
  storagePrefix: string
  policy: TenantPolicy
}
