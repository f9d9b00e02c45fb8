// Reads docker-compose.yml for static checks: services with their environment resolved the way
// Compose would with no variables set in the shell (${VAR:-default} takes its default).
import { parse } from 'yaml'

export interface ComposeService {
  name: string
  build?: string | { context?: string, dockerfile?: string }
  image?: string
  environment?: Record<string, string | number | boolean | null> | string[]
  depends_on?: string[] | Record<string, { condition?: string }>
  healthcheck?: { test?: string | string[] }
  volumes?: Array<string | { type?: string, source?: string, target?: string }>
  command?: string | string[]
  entrypoint?: string | string[]
  env_file?: string | string[]
  [key: string]: unknown
}

export interface ComposeFile {
  services: ComposeService[]
  volumes: string[]
}

export function parseCompose (text: string): ComposeFile {
  const document = parse(text, { merge: true }) as { services?: Record<string, Omit<ComposeService, 'name'>>, volumes?: Record<string, unknown> }
  return {
    services: Object.entries(document.services ?? {}).map(([name, service]) => ({ ...service, name })),
    volumes: Object.keys(document.volumes ?? {})
  }
}

/** Compose interpolation with an empty shell: undefined when a value needs a variable (${X:?err}). */
export function interpolate (value: string): string | undefined {
  let unresolved = false
  const resolved = value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, _name, operator: string | undefined, argument: string | undefined) => {
    if (match === '$$') return '$'
    if (operator === ':-' || operator === '-') return argument ?? ''
    if (operator === ':?' || operator === '?') unresolved = true
    return ''
  })
  return unresolved ? undefined : resolved
}

/** The service's environment as the container sees it (values undefined when they need the shell). */
export function environmentOf (service: ComposeService): Record<string, string | undefined> {
  const entries: Array<[string, string | undefined]> = Array.isArray(service.environment)
    ? service.environment.map((entry) => {
      const [name = '', ...value] = entry.split('=')
      return [name, value.length === 0 ? undefined : interpolate(value.join('='))]
    })
    : Object.entries(service.environment ?? {}).map(([name, value]) => [name, value === null ? undefined : interpolate(String(value))])
  return Object.fromEntries(entries)
}

export function dependenciesOf (service: ComposeService): string[] {
  if (service.depends_on === undefined) return []
  return Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on)
}

export function commandText (service: ComposeService): string {
  const join = (part: string | string[] | undefined) => Array.isArray(part) ? part.join(' ') : part ?? ''
  return `${join(service.entrypoint)} ${join(service.command)}`
}

/** A Compose duration (`200s`, `3m20s`, `1h`, `1500ms`) in milliseconds; undefined when unset. */
export function durationMs (value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 }
  let total = 0
  let matched = ''
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(part[1]) * (units[part[2] ?? ''] ?? Number.NaN)
    matched += part[0]
  }
  if (matched !== text) throw new Error(`not a Compose duration: ${text}`)
  return total
}

/** Host addresses a service's ports are published on ('' = all interfaces). */
export function publishedHostIps (service: ComposeService): string[] {
  const ports = (service.ports ?? []) as Array<string | number | { host_ip?: string, published?: string | number }>
  return ports.flatMap((port) => {
    if (typeof port === 'object') return port.published === undefined ? [] : [port.host_ip ?? '']
    const parts = String(port).split(':')
    // "container" publishes nothing fixed but still an ephemeral port on all interfaces.
    return [parts.length === 3 ? parts[0] ?? '' : '']
  })
}
