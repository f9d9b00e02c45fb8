// Maps API keys to tenants. Only sha256 digests of keys are held: a lookup hashes the presented
// key and finds the digest in a Map, so the time taken does not depend on how close a guess is.
import { createHash } from 'node:crypto'
import type { Tenant } from './tenant.js'

export function hashKey (apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex')
}

export interface KeyEntry {
  sha256: string
  tenant: Tenant
}

export class KeyDirectory {
  readonly #byHash: Map<string, Tenant>

  constructor (entries: KeyEntry[]) {
    this.#byHash = new Map(entries.map((entry) => [entry.sha256, entry.tenant]))
  }

  resolve (apiKey: string): Tenant | undefined {
    return this.#byHash.get(hashKey(apiKey))
  }
}

export const DEFAULT_TENANT: Tenant = { id: 'default', name: 'Default tenant', storagePrefix: 'default' }

export function keyDirectoryFromKeys (apiKeys: string[]): KeyDirectory {
  return new KeyDirectory(apiKeys.map((apiKey) => ({ sha256: hashKey(apiKey), tenant: DEFAULT_TENANT })))
}
