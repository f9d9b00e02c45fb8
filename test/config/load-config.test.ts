import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'
import { configTable } from '../../scripts/config-table.js'

t.test('no variables at all gives the embedded defaults', async (t) => {
  const config = loadConfig({})
  t.equal(config.port, 8080)
  t.equal(config.host, '0.0.0.0')
  t.equal(config.storage.driver, 'local')
  t.equal(config.storage.dataDir, './data')
  t.equal(config.upstream.baseUrl, undefined, 'no upstream: the simulator is used')
  t.same(config.apiKeys, [])
  t.equal(config.upstream.maxRetries, 2)
})

t.test('values are converted to their types and lists are split', async (t) => {
  const config = loadConfig({ PORT: '9000', STORAGE_FSYNC: 'false', API_KEYS: ' a-key , b-key ,', PUBLIC_BASE_URL: 'https://img.example.com/' })
  t.equal(config.port, 9000)
  t.equal(config.storage.fsync, false)
  t.same(config.apiKeys, ['a-key', 'b-key'])
  t.equal(config.publicBaseUrl, 'https://img.example.com', 'trailing slash removed')
})

t.test('shared state is in memory unless REDIS_URL is set; then prefix, policy and timeout apply', async (t) => {
  t.equal(loadConfig({}).redis, undefined)
  t.equal(loadConfig({}).inFlightLeaseMs, 30_000)
  t.same(loadConfig({ REDIS_URL: 'rediss://:secret@cache:6380' }).redis, { url: 'rediss://:secret@cache:6380', keyPrefix: 'igw:', failurePolicy: 'fail-closed', commandTimeoutMs: 1000 })
  t.same(loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_KEY_PREFIX: 'prod:', REDIS_FAILURE_POLICY: 'fail-open', REDIS_COMMAND_TIMEOUT_MS: '250' }).redis,
    { url: 'redis://r:6379', keyPrefix: 'prod:', failurePolicy: 'fail-open', commandTimeoutMs: 250 })
})

t.test('an empty variable counts as unset', async (t) => {
  t.equal(loadConfig({ PORT: '' }).port, 8080)
})

t.test('each wrong value is rejected naming its variable', async (t) => {
  const wrong: Array<[string, string]> = [
    ['PORT', 'eighty'], ['PORT', '70000'], ['LOG_LEVEL', 'loud'], ['STORAGE_DRIVER', 'ftp'],
    ['UPSTREAM_BASE_URL', 'not a url'], ['UPSTREAM_MAX_RETRIES', '-1'], ['STORAGE_FSYNC', 'maybe'],
    ['PUBLIC_BASE_URL', 'ftp://x'], ['BODY_LIMIT_BYTES', '10'],
    ['REDIS_URL', 'http://redis:6379'], ['REDIS_FAILURE_POLICY', 'fail-maybe'], ['REDIS_COMMAND_TIMEOUT_MS', '0'], ['IN_FLIGHT_LEASE_MS', '10']
  ]
  for (const [name, value] of wrong) {
    let thrown: unknown
    try {
      loadConfig({ [name]: value })
    } catch (error) {
      thrown = error
    }
    t.ok(thrown instanceof ConfigError, `${name}=${value} is a ConfigError`)
    t.match((thrown as Error).message, new RegExp(`^Invalid environment variable ${name}=`), `${name}=${value} names the variable`)
  }
})

t.test('the server exits with one clear line on a wrong value', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  const lines = stderr.trim().split('\n')
  t.equal(lines.length, 1, 'one line')
  t.match(lines[0], /^Invalid environment variable PORT="eighty"/)
})

t.test('the README configuration table matches the schema', async (t) => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  t.ok(readme.includes(configTable()), 'README holds the table `npm run config-table` prints')
})
