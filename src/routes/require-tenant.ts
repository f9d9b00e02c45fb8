// Routes behind the authenticate hook can rely on a tenant; this makes the reliance explicit.
import type { FastifyRequest } from 'fastify'
import type { Tenant } from '../tenants/tenant.js'

export function requireTenant (request: FastifyRequest): Tenant {
  if (request.tenant === null) throw new Error('route registered outside the authenticated scope')
  return request.tenant
}
