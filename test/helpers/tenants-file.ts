// Writes a tenants file for a test: each tenant gets the raw keys given, stored as sha256 digests.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { stringify } from 'yaml'
import { hashKey } from '../../src/tenants/key-directory.js'

export interface TestTenant {
  id: string
  keys: Array<string | { key: string, expiresAt?: string, label?: string }>
  storagePrefix?: string
  policy?: Record<string, unknown>
}

export function tenantsYaml (tenants: TestTenant[]): string {
  return stringify({
    tenants: tenants.map((tenant) => ({
      id: tenant.id,
      ...(tenant.storagePrefix !== undefined ? { storagePrefix: tenant.storagePrefix } : {}),
      keys: tenant.keys.map((entry) => {
        const spec = typeof entry === 'string' ? { key: entry } : entry
        return { sha256: hashKey(spec.key), ...(spec.label ? { label: spec.label } : {}), ...(spec.expiresAt ? { expiresAt: spec.expiresAt } : {}) }
      }),
      ...(tenant.policy !== undefined ? { policy: tenant.policy } : {})
    }))
  })
}

export async function writeTenantsFile (dir: string, tenants: TestTenant[]): Promise<string> {
  const filePath = path.join(dir, 'tenants.yaml')
  await writeFile(filePath, tenantsYaml(tenants))
  return filePath
}
