// `igw-keys` / `npm run keys -- <create|list|revoke>`: manages API keys in the tenants file. A new
// key is printed once; only its sha256 is written. A YAML file is edited as text, so every line the
// command does not change keeps its exact bytes; the file is replaced atomically.
import { randomBytes } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { parse as parseYaml } from 'yaml'
import { ConfigError, loadConfig } from '../config/load-config.js'
import { hashKey } from '../tenants/key-directory.js'
import { tenantsFromText } from '../tenants/load-tenants.js'
import type { TenantPolicy } from '../tenants/tenant.js'
import type { TenantsFile } from '../schemas/tenants-file.js'
import { addKey, addTenant, removeKey, type KeyFields } from './tenants-file-text.js'

export interface CommandIO {
  out(line: string): void
  err(line: string): void
  env: Record<string, string | undefined>
  now?: () => Date
}

const USAGE = `usage (the file defaults to $TENANTS_FILE):
  igw-keys create --tenant <id> [--new-tenant] [--label <label>] [--expires <date>] [--file <tenants.yaml>]
  igw-keys list [--tenant <id>] [--file <tenants.yaml>]
  igw-keys revoke --tenant <id> (--label <label> | --sha256 <first 8+ hex>) [--file <tenants.yaml>]
In a checkout: npm run keys -- <command> …; in the container: node dist/cli/keys.js <command> … (or igw-keys).
Exit codes: 0 done, 1 the file could not be read, parsed or written, 2 refused (arguments).`

// Only used to validate the file; policies are resolved by the gateway itself.
const ANY_POLICY: TenantPolicy = { rateLimit: { max: 1, timeWindowMs: 1 }, images: { perMinute: 0, perDay: 0 }, maxInFlight: 1, maxN: 1, storeInputs: true }

interface Values { tenant?: string, label?: string, expires?: string, sha256?: string, file?: string, 'new-tenant'?: boolean }

export async function runKeysCommand (argv: string[], io: CommandIO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { tenant: { type: 'string' }, label: { type: 'string' }, expires: { type: 'string' }, sha256: { type: 'string' }, file: { type: 'string' }, 'new-tenant': { type: 'boolean' } }
    })
  } catch (error) {
    return refuse(io, `${(error as Error).message}`)
  }
  const [command] = parsed.positionals
  if (command !== 'create' && command !== 'list' && command !== 'revoke') return refuse(io, command === undefined ? 'a command is needed' : `unknown command ${command}`)
  const filePath = parsed.values.file ?? io.env.TENANTS_FILE
  if (filePath === undefined || filePath === '') return refuse(io, `${command} needs the tenants file: --file <path> or TENANTS_FILE`)
  try {
    if (command === 'create') return await create(parsed.values, filePath, io)
    if (command === 'list') return await list(parsed.values, filePath, io)
    return await revoke(parsed.values, filePath, io)
  } catch (error) {
    const message = (error as Error).message
    io.err(message.startsWith(filePath) ? message : `${filePath}: ${message}`)
    return 1
  }
}

function refuse (io: CommandIO, message: string): number {
  io.err(`${message}\n${USAGE}`)
  return 2
}

async function create (values: Values, filePath: string, io: CommandIO): Promise<number> {
  const tenantId = values.tenant
  if (tenantId === undefined || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(tenantId)) return refuse(io, 'create needs --tenant <id> (lowercase letters, digits, - and _)')
  const now = io.now?.() ?? new Date()
  let expiresAt: string | undefined
  if (values.expires !== undefined) {
    const date = new Date(values.expires)
    if (Number.isNaN(date.getTime())) return refuse(io, `--expires ${JSON.stringify(values.expires)} is not a date`)
    // A key born expired would look created and never work.
    if (date <= now) return refuse(io, `--expires ${values.expires} is not in the future: the key would never work`)
    expiresAt = date.toISOString()
  }
  const text = await readText(filePath, values['new-tenant'] === true)
  const file = validated(text, filePath)
  const exists = file.tenants.some((tenant) => tenant.id === tenantId)
  if (!exists && values['new-tenant'] !== true) {
    const known = file.tenants.map((tenant) => tenant.id).join(', ') || 'none'
    return refuse(io, `no tenant ${tenantId} in ${filePath} (tenants: ${known}). To add a new tenant, repeat with --new-tenant.`)
  }
  if (exists && values['new-tenant'] === true) return refuse(io, `tenant ${tenantId} already exists in ${filePath}; leave out --new-tenant to add a key to it`)

  const apiKey = `igw_${randomBytes(30).toString('base64url')}`
  const key: KeyFields = { sha256: hashKey(apiKey), ...(values.label !== undefined ? { label: values.label } : {}), createdAt: now.toISOString(), ...(expiresAt !== undefined ? { expiresAt } : {}) }
  const edited = isJson(filePath) ? jsonWith(text, (data) => exists ? tenantOf(data, tenantId).keys.push(key) : data.tenants.push({ id: tenantId, keys: [key] })) : exists ? addKey(text, tenantId, key) : addTenant(text, tenantId, key)
  await writeValidated(filePath, edited)
  io.out(`New API key for tenant ${tenantId} (shown once; store it now):\n\n  ${apiKey}\n`)
  io.out(`Added to ${filePath} (sha256 ${key.sha256.slice(0, 12)}…${expiresAt !== undefined ? `, expires ${expiresAt}` : ''}); the gateway reloads it on change.`)
  if (!exists) io.out(newTenantPolicy(tenantId, io.env))
  return 0
}

/** A new tenant has no policy of its own: it runs under the gateway's defaults, shown here. */
function newTenantPolicy (tenantId: string, env: Record<string, string | undefined>): string {
  let policy: TenantPolicy
  try {
    policy = loadConfig(env).defaultPolicy
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return `New tenant ${tenantId}: it gets the gateway's default policy (this environment is not valid gateway configuration, so it cannot be shown: ${error.message}).`
  }
  const any = (values: string[] | undefined) => values?.join(', ') ?? 'any'
  return [
    `New tenant ${tenantId}, with no policy of its own: it gets the gateway's defaults (as this environment sets them):`,
    `  rateLimit: ${policy.rateLimit.max} requests per ${policy.rateLimit.timeWindowMs / 1000} s`,
    `  images: ${policy.images.perMinute} per minute, ${policy.images.perDay} per day`,
    `  maxInFlight: ${policy.maxInFlight}`,
    `  maxN: ${policy.maxN}`,
    `  models: ${any(policy.models)}`,
    `  sizes: ${any(policy.sizes)}`,
    `  qualities: ${any(policy.qualities)}`,
    `  operations: ${any(policy.operations)}`,
    `  storeInputs: ${String(policy.storeInputs)}`,
    'To restrict it, add a policy: under the tenant in the file (docs/tenants.md).'
  ].join('\n')
}

async function list (values: Values, filePath: string, io: CommandIO): Promise<number> {
  const file = validated(await readText(filePath, false), filePath)
  if (values.tenant !== undefined && !file.tenants.some((tenant) => tenant.id === values.tenant)) return refuse(io, `no tenant ${values.tenant} in ${filePath}`)
  const now = io.now?.() ?? new Date()
  for (const tenant of file.tenants) {
    if (values.tenant !== undefined && tenant.id !== values.tenant) continue
    for (const key of tenant.keys) {
      const state = key.expiresAt !== undefined && new Date(key.expiresAt) <= now ? 'expired' : 'active'
      io.out([tenant.id, key.label ?? '-', `${key.sha256.slice(0, 12)}…`, key.expiresAt ?? 'never', state].join('\t'))
    }
  }
  return 0
}

async function revoke (values: Values, filePath: string, io: CommandIO): Promise<number> {
  if (values.tenant === undefined || (values.label === undefined && values.sha256 === undefined)) return refuse(io, 'revoke needs --tenant and --label or --sha256')
  if (values.sha256 !== undefined && !/^[0-9a-f]{8,64}$/.test(values.sha256)) return refuse(io, '--sha256 takes at least the first 8 lowercase hex digits of the digest')
  const text = await readText(filePath, false)
  const file = validated(text, filePath)
  const tenant = file.tenants.find((candidate) => candidate.id === values.tenant)
  if (tenant === undefined) return refuse(io, `no tenant ${values.tenant} in ${filePath}`)
  const matches = tenant.keys.flatMap((key, index) =>
    (values.label !== undefined && key.label === values.label) || (values.sha256 !== undefined && key.sha256.startsWith(values.sha256)) ? [index] : [])
  if (matches.length !== 1) return refuse(io, matches.length === 0 ? `tenant ${tenant.id} has no such key` : `${matches.length} keys of tenant ${tenant.id} match; be more specific (--sha256)`)
  const index = matches[0] as number
  const sha256 = tenant.keys[index]?.sha256 ?? ''
  const edited = isJson(filePath) ? jsonWith(text, (data) => tenantOf(data, tenant.id).keys.splice(index, 1)) : removeKey(text, tenant.id, index)
  await writeValidated(filePath, edited)
  io.out(`Revoked key ${sha256.slice(0, 12)}… of tenant ${tenant.id}; the gateway reloads ${filePath} on change.`)
  return 0
}

const isJson = (filePath: string) => filePath.endsWith('.json')

async function readText (filePath: string, mayCreate: boolean): Promise<string> {
  try {
    return await readFile(filePath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && mayCreate) return isJson(filePath) ? '{"tenants":[]}' : ''
    throw new Error(`cannot be read: ${(error as Error).message}`)
  }
}

/** The file as the gateway reads it; a file the gateway would refuse is not edited. */
function validated (text: string, filePath: string): TenantsFile {
  if (text.trim() === '') return { tenants: [] }
  tenantsFromText(text, filePath, ANY_POLICY)
  return parseYaml(text) as TenantsFile
}

interface KeyList { keys: unknown[] }
const tenantOf = (data: TenantsFile, tenantId: string) => data.tenants.find((tenant) => tenant.id === tenantId) as unknown as KeyList

// JSON has no comments to keep: it is rewritten in JSON.stringify's two-space layout.
function jsonWith (text: string, change: (data: TenantsFile) => unknown): string {
  const data = JSON.parse(text) as TenantsFile
  change(data)
  return `${JSON.stringify(data, null, 2)}\n`
}

/** Validates, then replaces the file atomically, so the gateway never reloads half a file. */
async function writeValidated (filePath: string, text: string): Promise<void> {
  tenantsFromText(text, filePath, ANY_POLICY)
  const temp = `${filePath}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(temp, text)
  await rename(temp, filePath)
}
