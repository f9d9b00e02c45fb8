// The keys CLI's list and revoke commands, its JSON files and how it ships, run as a child process
// against a temporary tenants file (create: keys-create.test.ts).
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { hashKey } from '../../src/tenants/key-directory.js'
import { HAND_WRITTEN, printedKey, readTenantsFile as read, runKeysCli, tenantsFile, type TenantsFileContent } from '../helpers/keys-cli.js'

// Each case starts the CLI as its own process (about a second of CPU on tsx): room for a loaded machine.
t.setTimeout(600_000)

t.test('list shows every key with its label, digest prefix, expiry and state; --tenant narrows it', async (t) => {
  const file = await tenantsFile(t, HAND_WRITTEN.replace('        label: example\n', '        label: example\n      - sha256: ff2f8dc458fb56696607275541cb003de9b8aea58431cc4953c0af833ab803a1\n        label: old\n        expiresAt: 2025-01-01T00:00:00Z\n'))
  const all = await runKeysCli(['list', '--file', file])
  t.equal(all.code, 0, all.stderr)
  t.equal(all.stdout, 'acme\texample\tbeb2f2420a3e…\tnever\tactive\nacme\told\tff2f8dc458fb…\t2025-01-01T00:00:00Z\texpired\n')
  const globex = await runKeysCli(['list', '--tenant', 'globex', '--file', file])
  t.equal(globex.code, 0)
  t.equal(globex.stdout, '', 'globex has no keys')
  const unknown = await runKeysCli(['list', '--tenant', 'nosuch', '--file', file])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /^no tenant nosuch in /)
})

t.test('revoke by label or digest prefix removes exactly that key\'s lines; the last key leaves keys: []', async (t) => {
  const file = await tenantsFile(t)
  const created = await runKeysCli(['create', '--tenant', 'acme', '--label', 'temp', '--file', file])
  const digest = hashKey(printedKey(created.stdout) ?? '')
  const byLabel = await runKeysCli(['revoke', '--tenant', 'acme', '--label', 'temp', '--file', file])
  t.equal(byLabel.code, 0, byLabel.stderr)
  t.equal(byLabel.stdout, `Revoked key ${digest.slice(0, 12)}… of tenant acme; the gateway reloads ${file} on change.\n`)
  t.equal(await readFile(file, 'utf8'), HAND_WRITTEN, 'create then revoke gives back the original bytes')
  const bySha = await runKeysCli(['revoke', '--tenant', 'acme', '--sha256', 'beb2f242', '--file', file])
  t.equal(bySha.code, 0, bySha.stderr)
  t.equal(await readFile(file, 'utf8'), HAND_WRITTEN.replace(/ {4}keys:\n {6}- sha256: beb2f2[0-9a-f]+\n {8}label: example\n/, '    keys: []\n'))
  t.same((await read(file)).tenants[0]?.keys, [])
})

t.test('revoke refusals: unknown tenant, no such key, too short a digest, ambiguous label', async (t) => {
  const file = await tenantsFile(t, HAND_WRITTEN.replace('        label: example\n', '        label: example\n      - sha256: ff2f8dc458fb56696607275541cb003de9b8aea58431cc4953c0af833ab803a1\n        label: example\n'))
  const before = await readFile(file, 'utf8')
  const cases: Array<[string[], RegExp]> = [
    [['revoke', '--tenant', 'nosuch', '--label', 'x'], /^no tenant nosuch in /],
    [['revoke', '--tenant', 'acme', '--label', 'nope'], /^tenant acme has no such key/],
    [['revoke', '--tenant', 'acme', '--sha256', 'beb2'], /^--sha256 takes at least the first 8 lowercase hex digits/],
    [['revoke', '--tenant', 'acme', '--label', 'example'], /^2 keys of tenant acme match; be more specific/],
    [['revoke', '--tenant', 'acme'], /^revoke needs --tenant and --label or --sha256/]
  ]
  const results = await Promise.all(cases.map(async ([args]) => await runKeysCli([...args, '--file', file])))
  for (const [index, [args, message]] of cases.entries()) {
    t.equal(results[index]?.code, 2, args.join(' '))
    t.match(results[index]?.stderr, message)
  }
  t.equal(await readFile(file, 'utf8'), before)
})

t.test('a JSON tenants file stays JSON', async (t) => {
  const file = await tenantsFile(t, JSON.stringify({ tenants: [{ id: 'acme', keys: [] }] }, null, 2), 'tenants.json')
  const result = await runKeysCli(['create', '--tenant', 'acme', '--label', 'json', '--file', file])
  t.equal(result.code, 0, result.stderr)
  const data = JSON.parse(await readFile(file, 'utf8')) as TenantsFileContent
  t.equal(data.tenants[0]?.keys[0]?.label, 'json')
})

t.test('shipped: the bin entry is the compiled keys.ts, which starts with a shebang', async (t) => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { bin?: Record<string, string>, scripts: Record<string, string> }
  const build = JSON.parse(await readFile(new URL('../../tsconfig.build.json', import.meta.url), 'utf8')) as { compilerOptions: { rootDir: string, outDir: string } }
  const bin = pkg.bin?.['igw-keys']
  t.equal(bin, `${build.compilerOptions.outDir}/cli/keys.js`, 'tsconfig.build.json emits src/cli/keys.ts there')
  t.equal(build.compilerOptions.rootDir, 'src')
  t.match(await readFile(new URL('../../src/cli/keys.ts', import.meta.url), 'utf8'), /^#!\/usr\/bin\/env node\n/)
  t.equal(pkg.scripts.keys, 'tsx src/cli/keys.ts', 'npm run keys runs the same entry')
  const dockerfile = await readFile(new URL('../../Dockerfile', import.meta.url), 'utf8')
  t.match(dockerfile, /COPY --from=build \S* ?\/app\/dist \.\/dist/, 'the runtime image has dist/')
  t.match(dockerfile, /ln -s \/app\/dist\/cli\/keys\.js \/usr\/local\/bin\/igw-keys/, 'and igw-keys on its PATH')
})
