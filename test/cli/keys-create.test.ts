// The keys CLI's create command, run as a child process against a temporary tenants file: every
// case and refusal, and the keys it makes work at a real gateway (list, revoke: keys-list-revoke.test.ts).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { hashKey } from '../../src/tenants/key-directory.js'
import { startTestGateway } from '../helpers/gateway.js'
import { HAND_WRITTEN, printedKey, readTenantsFile as read, runKeysCli, tenantsFile } from '../helpers/keys-cli.js'
import { makeDataDir } from '../helpers/temp-dir.js'

// Each case starts the CLI as its own process (about a second of CPU on tsx): room for a loaded machine.
t.setTimeout(600_000)

t.test('create adds a key to an existing tenant; the printed key authenticates at a gateway reading the file', async (t) => {
  const file = await tenantsFile(t)
  const result = await runKeysCli(['create', '--tenant', 'acme', '--label', 'ci', '--expires', '2099-01-01'], { TENANTS_FILE: file })
  t.equal(result.code, 0, result.stderr)
  const key = printedKey(result.stdout)
  t.ok(key, 'the key is printed once')
  const acme = (await read(file)).tenants[0]
  t.same(acme?.keys.at(-1), { sha256: hashKey(key ?? ''), label: 'ci', createdAt: acme?.keys.at(-1)?.createdAt, expiresAt: '2099-01-01T00:00:00.000Z' })
  t.notOk((await readFile(file, 'utf8')).includes(key ?? '-'), 'only the digest is written')
  const env = await startTestGateway(t, { env: { TENANTS_FILE: file } })
  const usage = await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${key ?? ''}` } })
  t.equal(usage.status, 200, 'the new key works')
})

t.test('create --new-tenant adds the tenant, prints the policy it gets, and keeps the file\'s bytes', async (t) => {
  const file = await tenantsFile(t)
  const result = await runKeysCli(['create', '--tenant', 'initech', '--new-tenant', '--file', file], { MAX_N: '4', ALLOWED_MODELS: 'gpt-image-1-mini' })
  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, /New tenant initech, with no policy of its own: it gets the gateway's defaults/)
  t.match(result.stdout, /\n {2}rateLimit: 60 requests per 60 s\n {2}images: 60 per minute, 1000 per day\n {2}maxInFlight: 8\n {2}maxN: 4\n {2}models: gpt-image-1-mini\n {2}sizes: any\n {2}qualities: any\n/)
  const after = await readFile(file, 'utf8')
  t.ok(after.startsWith(HAND_WRITTEN), 'the existing text is untouched; the tenant is appended')
  t.match(after.slice(HAND_WRITTEN.length), /^ {2}- id: initech\n {4}keys:\n {6}- sha256: [0-9a-f]{64}\n {8}createdAt: \S+\n$/)
  t.same((await read(file)).tenants.map((tenant) => tenant.id), ['acme', 'globex', 'initech'])
})

t.test('create --new-tenant for a tenant that exists is refused', async (t) => {
  const file = await tenantsFile(t)
  const result = await runKeysCli(['create', '--tenant', 'acme', '--new-tenant', '--file', file])
  t.equal(result.code, 2)
  t.match(result.stderr, /^tenant acme already exists in .*; leave out --new-tenant/)
  t.equal(await readFile(file, 'utf8'), HAND_WRITTEN)
})

t.test('create --new-tenant starts a tenants file that does not exist yet; without it, a missing file is refused', async (t) => {
  const file = path.join(await makeDataDir(t), 'new-tenants.yaml')
  const refused = await runKeysCli(['create', '--tenant', 'first', '--file', file])
  t.equal(refused.code, 1)
  t.match(refused.stderr, /new-tenants\.yaml: cannot be read: ENOENT/)
  const created = await runKeysCli(['create', '--tenant', 'first', '--new-tenant', '--file', file])
  t.equal(created.code, 0, created.stderr)
  t.match(await readFile(file, 'utf8'), /^tenants:\n {2}- id: first\n {4}keys:\n {6}- sha256: [0-9a-f]{64}\n {8}createdAt: \S+\n$/)
})

t.test('an empty keys: [] list becomes a block list with the new key; the other lines keep their bytes', async (t) => {
  const file = await tenantsFile(t)
  const result = await runKeysCli(['create', '--tenant', 'globex', '--file', file])
  t.equal(result.code, 0, result.stderr)
  const after = await readFile(file, 'utf8')
  const block = /\n {4}keys:\n {6}- sha256: [0-9a-f]{64}\n {8}createdAt: \S+\n/.exec(after)?.[0]
  t.ok(block)
  t.equal(after.replace(block ?? '', '\n    keys: []\n'), HAND_WRITTEN)
})

t.test('the refusals: no command, no file, a bad tenant id, a date that is not a date', async (t) => {
  const file = await tenantsFile(t)
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [[], {}, /^a command is needed\nusage/],
    [['rotate', '--file', file], {}, /^unknown command rotate\n/],
    [['create', '--tenant', 'acme'], {}, /^create needs the tenants file: --file <path> or TENANTS_FILE\n/],
    [['create', '--tenant', 'Acme Corp', '--file', file], {}, /^create needs --tenant <id> \(lowercase letters, digits, - and _\)/],
    [['create', '--tenant', 'acme', '--expires', 'soon', '--file', file], {}, /^--expires "soon" is not a date/],
    [['create', '--tenant', 'acme', '--bogus', '--file', file], {}, /Unknown option '--bogus'/]
  ]
  const results = await Promise.all(cases.map(async ([args, env]) => await runKeysCli(args, env)))
  for (const [index, [args, , message]] of cases.entries()) {
    t.equal(results[index]?.code, 2, args.join(' ') || '(no arguments)')
    t.match(results[index]?.stderr, message)
  }
  t.equal(await readFile(file, 'utf8'), HAND_WRITTEN)
})

t.test('a tenants file the gateway would refuse is not edited; the error names the place in it', async (t) => {
  const broken = HAND_WRITTEN.replace('policy: {maxN: 1}', 'policy: {maxN: 11}')
  const file = await tenantsFile(t, broken)
  const result = await runKeysCli(['create', '--tenant', 'acme', '--file', file])
  t.equal(result.code, 1)
  t.match(result.stderr, /tenants\[1\]\.policy\.maxN: Expected integer to be less or equal to 10 \(found 11\)/)
  t.equal(await readFile(file, 'utf8'), broken)
})
