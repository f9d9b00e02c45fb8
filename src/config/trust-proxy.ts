// TRUST_PROXY → Fastify's `trustProxy`: which peers may tell the gateway the client's address with
// X-Forwarded-For. The address keys the failed-auth throttle, so trusting anyone lets a caller
// pick a fresh address per guess (no throttle) or a victim's address (locking the victim out).
import { isIP } from 'node:net'
import { ConfigError } from './config-error.js'

/** false: nobody; a number: that many hops nearest the gateway; a list: those proxy addresses. */
export type TrustProxy = false | number | string[]

// proxy-addr's names for reserved ranges, which Fastify accepts in the list.
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

export function parseTrustProxy (raw: string): TrustProxy {
  const value = raw.trim()
  if (value === '' || value.toLowerCase() === 'false') return false
  if (/^\d+$/.test(value)) return Number(value) === 0 ? false : Number(value)
  if (value.toLowerCase() === 'true') {
    throw invalid(value, 'true would believe X-Forwarded-For from anyone; name the proxies (a hop count such as 1, or their IPs/CIDRs)')
  }
  const entries = value.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    if (!isTrustedProxyEntry(entry)) throw invalid(value, `${JSON.stringify(entry)} is not an IP address, a CIDR range or one of ${[...RANGE_NAMES].join(', ')}`)
  }
  return entries
}

function isTrustedProxyEntry (entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  if (rest.length > 0) return false
  const family = isIP(address)
  if (family === 0) return false
  if (prefix === undefined) return true
  if (!/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= (family === 4 ? 32 : 128)
}

function invalid (value: string, reason: string): ConfigError {
  return new ConfigError(`Invalid environment variable TRUST_PROXY=${JSON.stringify(value)}: ${reason}.`)
}
