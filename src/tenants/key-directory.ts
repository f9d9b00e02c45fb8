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
  label?: string
  expiresAt?: Date
}

export type KeyResolution =
  | { status: 'valid', tenant: Tenant }
  | { status: 'expired', expiresAt: Date }
  | { status: 'unknown' }

export class KeyDirectory {
  readonly #byHash: Map<string, KeyEntry>
  readonly tenants: readonly Tenant[]

  constructor (entries: KeyEntry[], tenants: Tenant[]) {
    this.#byHash = new Map(entries.map((entry) => [entry.sha256, entry]))
    this.tenants = tenants
  }

  resolve (apiKey: string, now = new Date()): KeyResolution {
    const entry = this.#byHash.get(hashKey(apiKey))
    if (entry === undefined) return { status: 'unknown' }
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) return { status: 'expired', expiresAt: entry.expiresAt }
    return { status: 'valid', tenant: entry.tenant }
  }

  get keyCount (): number {
    return this.#byHash.size
  }
}
