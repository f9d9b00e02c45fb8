// A tenant may be limited to some operations (generate, edit, variation, stream), some models, sizes, qualities and a largest n. A request outside its
// policy is a 403 that names the field and lists what is allowed. A request that leaves out a
// restricted size or quality gets the first allowed value, sent to the provider explicitly, rather
// than the provider's default, which the policy may not allow. A request without a model gets
// DEFAULT_MODEL when the tenant may use it, else the tenant's first allowed model.
import { GatewayError } from '../errors/gateway-error.js'
import type { ImageOperation, Quality } from '../schemas/generation.js'
import type { Tenant } from './tenant.js'

export interface PolicySubject {
  /** Which image call this is; a policy with `operations` allows only those listed. */
  operation: ImageOperation
  /** The caller asked for server-sent events (the `stream` operation). */
  stream: boolean
  /** Unset: the request named none. */
  model?: string
  n: number
  size?: string
  quality?: Quality
}

function forbidden (tenant: Tenant, param: string, value: string | number | boolean, allowed: string): GatewayError {
  return new GatewayError('policy_violation', {
    param,
    message: `Tenant ${tenant.id} may not use ${param} ${JSON.stringify(value)}; allowed: ${allowed}.`
  })
}

/** What a request may run as: every field the provider gets from the policy is filled in. */
export type AllowedSubject = PolicySubject & { model: string }

/**
 * The operation alone: routes that take uploads ask before reading the body, so a tenant that may
 * not edit is refused before it can make the gateway take in megabytes.
 */
export function checkOperation (tenant: Tenant, operation: ImageOperation): void {
  const { operations } = tenant.policy
  if (operations !== undefined && !operations.includes(operation)) throw forbidden(tenant, 'operation', operation, operations.join(', '))
}

export function applyPolicy (tenant: Tenant, subject: PolicySubject, defaultModel: string): AllowedSubject {
  const { policy } = tenant
  checkOperation(tenant, subject.operation)
  if (subject.stream && policy.operations !== undefined && !policy.operations.includes('stream')) throw forbidden(tenant, 'stream', true, 'false')
  const model = subject.model ?? defaultModelFor(policy.models, defaultModel)
  if (policy.models !== undefined && !policy.models.includes(model)) {
    throw forbidden(tenant, 'model', model, policy.models.join(', '))
  }
  if (subject.n > policy.maxN) {
    throw forbidden(tenant, 'n', subject.n, `1 to ${policy.maxN}`)
  }
  const size = subject.size ?? policy.sizes?.[0]
  if (policy.sizes !== undefined && size !== undefined && !policy.sizes.includes(size)) {
    throw forbidden(tenant, 'size', size, policy.sizes.join(', '))
  }
  const quality = subject.quality ?? policy.qualities?.[0]
  if (policy.qualities !== undefined && quality !== undefined && !policy.qualities.includes(quality)) {
    throw forbidden(tenant, 'quality', quality, policy.qualities.join(', '))
  }
  return { ...subject, model, ...(size !== undefined ? { size } : {}), ...(quality !== undefined ? { quality } : {}) }
}

function defaultModelFor (allowed: string[] | undefined, defaultModel: string): string {
  if (allowed === undefined || allowed.includes(defaultModel)) return defaultModel
  return allowed[0] ?? defaultModel
}
