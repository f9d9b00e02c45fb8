// `npm run keys -- <create|list|revoke>`: manages API keys in the tenants file. A new key is printed
// once; only its sha256 is written. The file is edited as a YAML document, so comments survive.
import { randomBytes } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml'
import { hashKey } from '../tenants/key-directory.js'
import { tenantsFromText } from '../tenants/load-tenants.js'
import type { TenantPolicy } from '../tenants/tenant.js'

export interface CommandIO {
  out(line: string): void
  err(line: string): void
  env: Record<string, string | undefined>
}

const USAGE = `usage:
  npm run keys -- create --tenant <id> [--label <label>] [--expires <date>] [--file <tenants.yaml>]
  npm run keys -- list [--tenant <id>] [--file <tenants.yaml>]
  npm run keys -- revoke --tenant <id> (--label <label> | --sha256 <digest prefix>) [--file <tenants.yaml>]
The file defaults to $TENANTS_FILE.`

// Only used to validate the edited file; policies are resolved by the gateway itself.
const ANY_POLICY: TenantPolicy = { rateLimit: { max: 1, timeWindowMs: 1 }, images: { perMinute: 0, perDay: 0 }, maxInFlight: 1, maxN: 1 }

export async function runKeysCommand (argv: string[], io: CommandIO): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { tenant: { type: 'string' }, label: { type: 'string' }, expires: { type: 'string' }, sha256: { type: 'string' }, file: { type: 'string' } }
    })
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  const [command] = parsed.positionals
  const { values } = parsed
  const filePath = values.file ?? io.env.TENANTS_FILE
  if (command === 'create') return await create(values, filePath, io)
  if (command === 'list' || command === 'revoke') {
    if (filePath === undefined) {
      io.err(`${command} needs the tenants file: --file or TENANTS_FILE\n${USAGE}`)
      return 2
    }
    return command === 'list' ? await list(filePath, values.tenant, io) : await revoke(filePath, values, io)
  }
  io.err(USAGE)
  return 2
}

async function create (values: { tenant?: string, label?: string, expires?: string }, filePath: string | undefined, io: CommandIO): Promise<number> {
  if (values.tenant === undefined || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(values.tenant)) {
    io.err(`create needs --tenant <id> (lowercase letters, digits, - and _)\n${USAGE}`)
    return 2
  }
  let expiresAt: string | undefined
  if (values.expires !== undefined) {
    const date = new Date(values.expires)
    if (Number.isNaN(date.getTime())) {
      io.err(`--expires ${JSON.stringify(values.expires)} is not a date`)
      return 2
    }
    expiresAt = date.toISOString()
  }
  const apiKey = `igw_${randomBytes(30).toString('base64url')}`
  const entry = {
    sha256: hashKey(apiKey),
    ...(values.label !== undefined ? { label: values.label } : {}),
    createdAt: new Date().toISOString(),
    ...(expiresAt !== undefined ? { expiresAt } : {})
  }
  if (filePath !== undefined) {
    const document = await readDocument(filePath)
    const tenants = tenantsSeq(document)
    let tenant = findTenant(tenants, values.tenant)
    if (tenant === undefined) {
      tenant = document.createNode({ id: values.tenant, keys: [] }) as YAMLMap
      ;(tenant.get('keys') as YAMLSeq).flow = false
      tenants.add(tenant)
    }
    ;(tenant.get('keys') as YAMLSeq).add(document.createNode(entry))
    await writeDocument(filePath, document)
  }
  io.out(`New API key for tenant ${values.tenant} (shown once; store it now):\n\n  ${apiKey}\n`)
  io.out(filePath !== undefined
    ? `Added to ${filePath} (the gateway reloads it on change):`
    : 'Add this entry under the tenant\'s `keys:` in the tenants file:')
  io.out(['  - sha256: ' + entry.sha256, ...(entry.label !== undefined ? [`    label: ${entry.label}`] : []), `    createdAt: ${entry.createdAt}`, ...(expiresAt !== undefined ? [`    expiresAt: ${expiresAt}`] : [])].join('\n'))
  return 0
}

async function list (filePath: string, tenantId: string | undefined, io: CommandIO): Promise<number> {
  const document = await readDocument(filePath)
  const now = new Date()
  for (const tenant of tenantsSeq(document).items as YAMLMap[]) {
    const id = String(tenant.get('id'))
    if (tenantId !== undefined && id !== tenantId) continue
    for (const key of (tenant.get('keys') as YAMLSeq | undefined)?.items as YAMLMap[] ?? []) {
      const expiresAt = key.get('expiresAt') as string | undefined
      const state = expiresAt !== undefined && new Date(expiresAt) <= now ? 'expired' : 'active'
      io.out([id, String(key.get('label') ?? '-'), `${String(key.get('sha256')).slice(0, 12)}…`, expiresAt ?? 'never', state].join('\t'))
    }
  }
  return 0
}

async function revoke (filePath: string, values: { tenant?: string, label?: string, sha256?: string }, io: CommandIO): Promise<number> {
  if (values.tenant === undefined || (values.label === undefined && values.sha256 === undefined)) {
    io.err(`revoke needs --tenant and --label or --sha256\n${USAGE}`)
    return 2
  }
  const document = await readDocument(filePath)
  const tenant = findTenant(tenantsSeq(document), values.tenant)
  const keys = tenant?.get('keys') as YAMLSeq | undefined
  const matches = (keys?.items as YAMLMap[] ?? []).filter((key) =>
    (values.label !== undefined && key.get('label') === values.label) ||
    (values.sha256 !== undefined && values.sha256.length >= 8 && String(key.get('sha256')).startsWith(values.sha256)))
  if (keys === undefined || matches.length !== 1) {
    io.err(matches.length === 0 ? 'no such key' : `${matches.length} keys match; be more specific`)
    return 1
  }
  keys.items = keys.items.filter((item) => item !== matches[0])
  await writeDocument(filePath, document)
  io.out(`Revoked key ${String(matches[0]?.get('sha256')).slice(0, 12)}… of tenant ${values.tenant}; the gateway reloads ${filePath} on change.`)
  return 0
}

async function readDocument (filePath: string): Promise<Document> {
  let text = 'tenants:\n'
  try {
    text = await readFile(filePath, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return parseDocument(text)
}

function tenantsSeq (document: Document): YAMLSeq {
  const tenants = document.get('tenants')
  if (isSeq(tenants)) return tenants
  const created = document.createNode([]) as YAMLSeq
  created.flow = false
  document.set('tenants', created)
  return created
}

function findTenant (tenants: YAMLSeq, id: string): YAMLMap | undefined {
  return tenants.items.find((item): item is YAMLMap => isMap(item) && item.get('id') === id)
}

/** Validates, then replaces the file atomically, so the gateway never reloads half a file. */
async function writeDocument (filePath: string, document: Document): Promise<void> {
  const text = filePath.endsWith('.json') ? `${JSON.stringify(document.toJSON(), null, 2)}\n` : document.toString()
  tenantsFromText(text, filePath, ANY_POLICY)
  const temp = `${filePath}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(temp, text)
  await rename(temp, filePath)
}
