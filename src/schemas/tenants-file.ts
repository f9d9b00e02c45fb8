// The tenants file (TENANTS_FILE, YAML or JSON): who may call, with which keys (as sha256 digests
// only), and under which policy. Anything a tenant leaves out takes the global default from env.
import { Type, type Static } from '@sinclair/typebox'
import { TENANT_OPERATIONS } from '../tenants/tenant.js'
import { QUALITIES } from './generation.js'

const Duration = Type.Union([
  Type.Integer({ minimum: 1, description: 'milliseconds' }),
  Type.String({ pattern: '^\\d+(\\.\\d+)?\\s*(ms|s|sec|second|seconds|m|min|minute|minutes|h|hr|hour|hours|d|day|days)?$', description: 'e.g. "1 minute", "30s", "1h"' })
])

const List = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })

export const TenantKeySchema = Type.Object({
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256 of the key, lowercase hex' }),
  label: Type.Optional(Type.String({ maxLength: 100 })),
  createdAt: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String({ minLength: 10, description: 'ISO 8601 date or time; the key is refused from then on' }))
}, { additionalProperties: false })

export const TenantPolicySchema = Type.Object({
  rateLimit: Type.Optional(Type.Object({
    max: Type.Integer({ minimum: 1 }),
    timeWindow: Duration
  }, { additionalProperties: false })),
  images: Type.Optional(Type.Object({
    perMinute: Type.Optional(Type.Integer({ minimum: 0 })),
    perDay: Type.Optional(Type.Integer({ minimum: 0 }))
  }, { additionalProperties: false })),
  maxInFlight: Type.Optional(Type.Integer({ minimum: 1 })),
  models: Type.Optional(List),
  sizes: Type.Optional(List),
  qualities: Type.Optional(Type.Array(Type.Union(QUALITIES.map((quality) => Type.Literal(quality))), { minItems: 1 })),
  maxN: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  operations: Type.Optional(Type.Array(Type.Union(TENANT_OPERATIONS.map((operation) => Type.Literal(operation))), { minItems: 1, description: 'generate, edit, variation, stream; absent: all' })),
  storeInputs: Type.Optional(Type.Boolean({ description: 'Store edit and variation inputs beside the outputs' }))
}, { additionalProperties: false })

export const TenantEntrySchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  storagePrefix: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' })),
  keys: Type.Array(TenantKeySchema),
  policy: Type.Optional(TenantPolicySchema)
}, { additionalProperties: false })

export const TenantsFileSchema = Type.Object({
  tenants: Type.Array(TenantEntrySchema)
}, { additionalProperties: false })

export type TenantsFile = Static<typeof TenantsFileSchema>
export type TenantEntry = Static<typeof TenantEntrySchema>
export type TenantPolicyEntry = Static<typeof TenantPolicySchema>
