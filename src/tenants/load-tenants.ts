// Builds the key directory: from the tenants file when one is configured, else one `default`
// tenant holding the API_KEYS (or a generated development key).
import { readFile } from 'node:fs/promises'
import { Value } from '@sinclair/typebox/value'
import { parse as parseYaml } from 'yaml'
import { durationMs } from '../config/duration.js'
import { quotedValue, readablePath } from '../config/file-path.js'
import { TenantsFileSchema, type TenantEntry, type TenantsFile } from '../schemas/tenants-file.js'
import { hashKey, KeyDirectory, type KeyEntry } from './key-directory.js'
import type { Tenant, TenantPolicy } from './tenant.js'

export class TenantsFileError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'TenantsFileError'
  }
}

export function defaultTenantDirectory (apiKeys: string[], policy: TenantPolicy): KeyDirectory {
  const tenant: Tenant = { id: 'default', name: 'Default tenant', storagePrefix: 'default', policy }
  return new KeyDirectory(apiKeys.map((apiKey) => ({ sha256: hashKey(apiKey), tenant })), [tenant])
}

export async function loadTenantsFile (filePath: string, defaults: TenantPolicy): Promise<KeyDirectory> {
  let text: string
  try {
    text = await readFile(filePath, 'utf8')
  } catch (error) {
    throw new TenantsFileError(`${filePath}: cannot be read: ${(error as Error).message}`)
  }
  return tenantsFromText(text, filePath, defaults)
}

export function tenantsFromText (text: string, filePath: string, defaults: TenantPolicy): KeyDirectory {
  let parsed: unknown
  try {
    parsed = parseYaml(text) // YAML is a superset of JSON: one parser reads both
  } catch (error) {
    throw new TenantsFileError(`${filePath}: not valid YAML/JSON: ${(error as Error).message}`)
  }
  const firstError = Value.Errors(TenantsFileSchema, parsed).First()
  if (firstError !== undefined) {
    throw new TenantsFileError(`${filePath}: ${readablePath(firstError.path)}: ${firstError.message}${quotedValue(firstError.value)}`)
  }
  return buildDirectory(parsed as TenantsFile, filePath, defaults)
}

function buildDirectory (file: TenantsFile, filePath: string, defaults: TenantPolicy): KeyDirectory {
  const entries: KeyEntry[] = []
  const tenants: Tenant[] = []
  const seenIds = new Set<string>()
  const seenPrefixes = new Set<string>()
  for (const [index, entry] of file.tenants.entries()) {
    const at = `${filePath}: tenants[${index}]`
    const tenant = toTenant(entry, defaults, at)
    if (seenIds.has(tenant.id)) throw new TenantsFileError(`${at}.id: tenant id "${tenant.id}" appears twice`)
    // Two tenants sharing a prefix would see each other's generations.
    if (seenPrefixes.has(tenant.storagePrefix)) throw new TenantsFileError(`${at}: storage prefix "${tenant.storagePrefix}" is used by two tenants`)
    seenIds.add(tenant.id)
    seenPrefixes.add(tenant.storagePrefix)
    tenants.push(tenant)
    for (const [keyIndex, key] of entry.keys.entries()) {
      if (entries.some((existing) => existing.sha256 === key.sha256)) {
        throw new TenantsFileError(`${at}.keys[${keyIndex}].sha256: key digest ${key.sha256.slice(0, 12)}… is listed twice`)
      }
      const expiresAt = key.expiresAt === undefined ? undefined : new Date(key.expiresAt)
      if (expiresAt !== undefined && Number.isNaN(expiresAt.getTime())) {
        throw new TenantsFileError(`${at}.keys[${keyIndex}].expiresAt: ${JSON.stringify(key.expiresAt)} is not a date`)
      }
      entries.push({ sha256: key.sha256, tenant, label: key.label, expiresAt })
    }
  }
  return new KeyDirectory(entries, tenants)
}

/** `at` names the entry in error messages (file and path). */
function toTenant (entry: TenantEntry, defaults: TenantPolicy, at: string): Tenant {
  const own = entry.policy ?? {}
  let timeWindowMs = defaults.rateLimit.timeWindowMs
  if (own.rateLimit !== undefined) {
    try {
      timeWindowMs = durationMs(own.rateLimit.timeWindow)
    } catch {
      throw new TenantsFileError(`${at}.policy.rateLimit.timeWindow: ${JSON.stringify(own.rateLimit.timeWindow)} is not a duration`)
    }
  }
  const policy: TenantPolicy = {
    rateLimit: { max: own.rateLimit?.max ?? defaults.rateLimit.max, timeWindowMs },
    images: {
      perMinute: own.images?.perMinute ?? defaults.images.perMinute,
      perDay: own.images?.perDay ?? defaults.images.perDay
    },
    maxInFlight: own.maxInFlight ?? defaults.maxInFlight,
    maxN: own.maxN ?? defaults.maxN,
    storeInputs: own.storeInputs ?? defaults.storeInputs,
    ...pick('models', own.models ?? defaults.models),
    ...pick('sizes', own.sizes ?? defaults.sizes),
    ...pick('qualities', own.qualities ?? defaults.qualities),
    ...pick('operations', own.operations ?? defaults.operations)
  }
  return { id: entry.id, name: entry.name ?? entry.id, storagePrefix: entry.storagePrefix ?? entry.id, policy }
}

function pick<K extends 'models' | 'sizes' | 'qualities' | 'operations', V> (name: K, values: V[] | undefined): Partial<Record<K, V[]>> {
  return values === undefined ? {} : { [name]: values } as Record<K, V[]>
}
