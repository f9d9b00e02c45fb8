// A tenant may be limited to some models, sizes, qualities and a largest n. A request outside its
// policy is a 403 that names the field and lists what is allowed.
import { GatewayError } from '../errors/gateway-error.js'
import type { Tenant } from './tenant.js'

export interface PolicySubject {
  model: string
  n: number
  size?: string
  quality?: string
}

function forbidden (tenant: Tenant, param: string, value: string | number, allowed: string): GatewayError {
  return new GatewayError({
    status: 403,
    type: 'permission_error',
    code: 'policy_violation',
    param,
    message: `Tenant ${tenant.id} may not use ${param} ${JSON.stringify(value)}; allowed: ${allowed}.`
  })
}

export function checkPolicy (tenant: Tenant, subject: PolicySubject): void {
  const { policy } = tenant
  if (policy.models !== undefined && !policy.models.includes(subject.model)) {
    throw forbidden(tenant, 'model', subject.model, policy.models.join(', '))
  }
  if (subject.n > policy.maxN) {
    throw forbidden(tenant, 'n', subject.n, `1 to ${policy.maxN}`)
  }
  // An omitted size or quality means the provider's default, which a tenant limited to some values
  // could not predict: treat it as "auto".
  const size = subject.size ?? 'auto'
  if (policy.sizes !== undefined && !policy.sizes.includes(size)) {
    throw forbidden(tenant, 'size', size, policy.sizes.join(', '))
  }
  const quality = subject.quality ?? 'auto'
  if (policy.qualities !== undefined && !policy.qualities.includes(quality)) {
    throw forbidden(tenant, 'quality', quality, policy.qualities.join(', '))
  }
}
