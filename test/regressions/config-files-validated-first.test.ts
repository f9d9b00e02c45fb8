// Regression: TENANTS_FILE and UPSTREAMS_FILE were read only after storage, the spool flusher and
// the tenants watcher had started, and their errors arrived as "Failed to start: …" with a JSON
// pointer. They are now read with the environment, before anything starts, and reported as
// configuration errors naming the variable, the file, the place in it and the problem. And when
// `listen` fails (a taken port), everything that had started is stopped again.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import { startGateway } from '../../src/gateway.js'
import { Spool } from '../../src/storage/spool.js'
import { REDIS_URL, testRedis } from '../helpers/redis.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { tenantsYaml } from '../helpers/tenants-file.js'

/** Runs src/server.ts as the container would, to the end; resolves its exit code and output. */
async function runServer (env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', ...env }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += String(chunk) })
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stdout, stderr }
}

t.test('a tenants file with a bad value stops the start with the file, the path in it and the problem; nothing was started', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = path.join(dir, 'tenants.yaml')
  await writeFile(tenantsFile, tenantsYaml([
    { id: 'acme', keys: ['acme-key-0123456789'] },
    { id: 'globex', keys: ['globex-key-0123456789'], policy: { maxN: 12 } }
  ]))
  const dataDir = path.join(dir, 'data')
  const { code, stdout, stderr } = await runServer({ TENANTS_FILE: tenantsFile, DATA_DIR: dataDir })
  t.equal(code, 1)
  t.equal(stderr, `Invalid TENANTS_FILE ${tenantsFile}: tenants[1].policy.maxN: Expected integer to be less or equal to 10 (found 12)\n`)
  t.notMatch(stderr, /Failed to start/)
  t.equal(stdout, '', 'not a log line: nothing had started to log')
  t.notOk(existsSync(dataDir), 'storage and spool were never created')
})

t.test('a tenants file that cannot be read names the variable and the file', async (t) => {
  const dir = await makeDataDir(t)
  const missing = path.join(dir, 'no-such-tenants.yaml')
  const { code, stderr } = await runServer({ TENANTS_FILE: missing, DATA_DIR: path.join(dir, 'data') })
  t.equal(code, 1)
  t.match(stderr, new RegExp(`^Invalid TENANTS_FILE ${missing.replace(/[.]/g, '\\.')}: cannot be read: ENOENT`))
  t.notOk(existsSync(path.join(dir, 'data')))
})

t.test('a tenant listed twice names its place in the file', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = path.join(dir, 'tenants.yaml')
  await writeFile(tenantsFile, tenantsYaml([{ id: 'acme', keys: ['a-key-0123456789'] }, { id: 'acme', keys: ['b-key-0123456789'], storagePrefix: 'acme-2' }]))
  const { code, stderr } = await runServer({ TENANTS_FILE: tenantsFile, DATA_DIR: path.join(dir, 'data') })
  t.equal(code, 1)
  t.equal(stderr, `Invalid TENANTS_FILE ${tenantsFile}: tenants[1].id: tenant id "acme" appears twice\n`)
})

t.test('an upstreams file with a bad value stops the start the same way', async (t) => {
  const dir = await makeDataDir(t)
  const upstreamsFile = path.join(dir, 'upstreams.yaml')
  await writeFile(upstreamsFile, [
    'upstreams:',
    '  - name: primary',
    '    baseUrl: https://primary.example.test/v1',
    '  - name: backup',
    '    baseUrl: https://backup.example.test/v1',
    '    maxRetries: 99',
    'routes:',
    '  - model: "*"',
    '    targets: [{ upstream: primary }, { upstream: backup }]',
    ''
  ].join('\n'))
  const dataDir = path.join(dir, 'data')
  const { code, stderr } = await runServer({ UPSTREAMS_FILE: upstreamsFile, DATA_DIR: dataDir })
  t.equal(code, 1)
  t.equal(stderr, `Invalid UPSTREAMS_FILE ${upstreamsFile}: upstreams[1].maxRetries: Expected integer to be less or equal to 10 (found 99)\n`)
  t.notOk(existsSync(dataDir), 'nothing was started')
})

t.test('an upstreams route naming an unknown upstream names the route target', async (t) => {
  const dir = await makeDataDir(t)
  const upstreamsFile = path.join(dir, 'upstreams.yaml')
  await writeFile(upstreamsFile, 'upstreams:\n  - name: primary\n    baseUrl: https://primary.example.test/v1\nroutes:\n  - model: "*"\n    targets: [{ upstream: primary }, { upstream: nosuch }]\n')
  const { code, stderr } = await runServer({ UPSTREAMS_FILE: upstreamsFile, DATA_DIR: path.join(dir, 'data') })
  t.equal(code, 1)
  t.equal(stderr, `Invalid UPSTREAMS_FILE ${upstreamsFile}: routes[0].targets[1].upstream: route "*" names unknown upstream "nosuch"\n`)
})

async function occupiedPort (t: { teardown(fn: () => unknown): void }): Promise<number> {
  const blocker: Server = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => blocker.close(resolve)))
  const address = blocker.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

// Handles and ref'd timers by kind; requests still finishing (CloseReq, FSReqPromise, WriteWrap…)
// end by themselves.
const counted = (resources: string[]) => resources.filter((name) => !/Req|Wrap$/.test(name) || /^(TCP|Pipe|TTY|UDP|Process|FSEvent|Signal)\w*Wrap$/.test(name))
  .reduce<Record<string, number>>((counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }), {})

t.test('when listen fails, the start rejects and leaves nothing running: sockets, simulator, Redis, spool flusher, tenants watcher', async (t) => {
  const dir = await makeDataDir(t)
  const port = await occupiedPort(t)
  const tenantsFile = path.join(dir, 'tenants.yaml')
  await writeFile(tenantsFile, tenantsYaml([{ id: 'acme', keys: ['acme-key-0123456789'] }]))
  const spoolDir = path.join(dir, 'spool')
  const redis = REDIS_URL !== undefined && REDIS_URL !== '' ? await testRedis(t) : undefined
  if (redis === undefined) t.comment('REDIS_URL is not set: checked without a Redis connection')
  await redis?.client.ping() // the test's own connection is open before counting
  const logLines: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => { logLines.push(line) } })
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: path.join(dir, 'data'),
    SPOOL_DIR: spoolDir,
    SPOOL_FLUSH_MS: '10',
    TENANTS_FILE: tenantsFile,
    STORAGE_FSYNC: 'false',
    ...(redis !== undefined ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix } : {})
  })
  const before = counted(process.getActiveResourcesInfo())
  await t.rejects(startGateway({ config, loggerInstance: logger }), { code: 'EADDRINUSE' })
  t.ok(logLines.some((line) => line.includes('IMAGES ARE SIMULATED')), 'the built-in simulator had started')
  await sleep(0)
  t.same(counted(process.getActiveResourcesInfo()), before, 'no socket, server or timer keeps the process alive')

  // A spool flusher or tenants watcher left running would act on these; give them many chances.
  const spool = new Spool(spoolDir)
  await spool.init()
  const imageKey = 'acme/gen_ffffffffffff000000000000000000000000/0.png'
  const imageBytes = Buffer.from('the flusher copies bytes as they are')
  const image = { key: imageKey, contentType: 'image/png', sha256: createHash('sha256').update(imageBytes).digest('hex') }
  await spool.save([{ key: imageKey, bytes: imageBytes, options: { contentType: image.contentType } }],
    { key: 'acme/gen_ffffffffffff000000000000000000000000/manifest.json', bytes: Buffer.from(JSON.stringify({ images: [image] })) })
  await writeFile(tenantsFile, `${await readFile(tenantsFile, 'utf8')}\n`)
  await sleep(1000)
  t.notOk(existsSync(path.join(dir, 'data', imageKey)), 'the spool flusher is stopped: the spooled image stays in the spool')
  t.notOk(logLines.some((line) => line.includes('tenants reloaded')), 'the tenants watcher is closed')
})
