// Regression: the keys CLI turned a typo into a tenant (`create --tenant acmee` silently added an
// unrestricted tenant whose key worked at once), made keys that were born expired
// (`--expires 2020-01-01`), and re-rendered the whole YAML file (`[a]` became `[ a ]`, comments
// moved). An unknown tenant is refused unless --new-tenant is given, a past expiry is refused,
// and untouched lines keep their exact bytes.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { HAND_WRITTEN, printedKey, runKeysCli } from '../helpers/keys-cli.js'
import { makeDataDir } from '../helpers/temp-dir.js'

// Each case starts the CLI as its own process (about a second of CPU on tsx): room for a loaded machine.
t.setTimeout(600_000)

async function tenantsFile (t: Parameters<typeof makeDataDir>[0]): Promise<string> {
  const file = path.join(await makeDataDir(t), 'tenants.yaml')
  await writeFile(file, HAND_WRITTEN)
  return file
}

t.test('create --tenant with an unknown tenant is refused, names the known tenants, and leaves the file alone', async (t) => {
  const file = await tenantsFile(t)
  const result = await runKeysCli(['create', '--tenant', 'acmee', '--file', file])
  t.equal(result.code, 2)
  t.match(result.stderr, /^no tenant acmee in .*tenants\.yaml \(tenants: acme, globex\)\. To add a new tenant, repeat with --new-tenant\./)
  t.equal(result.stdout, '', 'no key printed')
  t.equal(await readFile(file, 'utf8'), HAND_WRITTEN, 'the file is unchanged')
})

t.test('--expires in the past is refused', async (t) => {
  const file = await tenantsFile(t)
  for (const expires of ['2020-01-01', new Date(Date.now() - 60_000).toISOString()]) {
    const result = await runKeysCli(['create', '--tenant', 'acme', '--expires', expires, '--file', file])
    t.equal(result.code, 2, `--expires ${expires}`)
    t.match(result.stderr, new RegExp(`^--expires ${expires.replace(/[.]/g, '\\.')} is not in the future: the key would never work`))
    t.equal(printedKey(result.stdout), undefined)
  }
  t.equal(await readFile(file, 'utf8'), HAND_WRITTEN)
})

t.test('create keeps every untouched byte of a hand-written YAML file, flow lists and comments included', async (t) => {
  const file = await tenantsFile(t)
  const result = await runKeysCli(['create', '--tenant', 'acme', '--label', 'ci', '--file', file])
  t.equal(result.code, 0, result.stderr)
  const after = await readFile(file, 'utf8')
  const inserted = /\n {6}- sha256: [0-9a-f]{64}\n {8}label: ci\n {8}createdAt: \S+\n/.exec(after)
  t.ok(inserted, 'the new key is a block entry under acme\'s keys, aligned with the existing one')
  t.equal(after.replace(inserted?.[0] ?? '', '\n'), HAND_WRITTEN, 'removing the new entry gives back the file byte for byte')
  t.match(after, /models: \[a\]\n/, '[a] is still [a]')
  t.match(after, /sizes: \[1024x1024, {3}512x512\]/)
  t.match(after, /- id: acme {3}# the first customer/)
})
