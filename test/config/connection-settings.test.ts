// TRUST_PROXY and the HTTP timeouts: parsed once at start, and a value that would be unsafe or
// contradictory stops the gateway with a line naming the variable.
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'

function configError (env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  return 'no error'
}

t.test('TRUST_PROXY is off unless set', async (t) => {
  t.equal(loadConfig({}).http.trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy, false)
  t.equal(loadConfig({ TRUST_PROXY: '0' }).http.trustProxy, false)
})

t.test('TRUST_PROXY takes a hop count, or a list of proxy addresses and ranges', async (t) => {
  t.equal(loadConfig({ TRUST_PROXY: '1' }).http.trustProxy, 1)
  t.equal(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy, 2)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1/128, fd00::/8' }).http.trustProxy, ['10.0.0.0/8', '127.0.0.1', '::1/128', 'fd00::/8'])
  t.same(loadConfig({ TRUST_PROXY: 'loopback,uniquelocal' }).http.trustProxy, ['loopback', 'uniquelocal'])
})

t.test('a TRUST_PROXY that trusts everyone, or names something that is not an address, is rejected naming the variable', async (t) => {
  t.match(configError({ TRUST_PROXY: 'true' }), /^Invalid environment variable TRUST_PROXY="true": true would believe X-Forwarded-For from anyone/)
  for (const value of ['nginx', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', '10.0.0.1,', '300.1.1.1', '10.0.0.0/x']) {
    t.match(configError({ TRUST_PROXY: value }), /^Invalid environment variable TRUST_PROXY=".*": ".*" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal\.$/, value)
  }
})

t.test('the timeouts have defaults, and the connection timeout outlasts the upstream deadline', async (t) => {
  t.same(loadConfig({}).http, { trustProxy: false, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, connectionTimeoutMs: 450_000 })
  t.equal(loadConfig({ UPSTREAM_DEADLINE_MS: '600000' }).http.connectionTimeoutMs, 750_000, 'follows UPSTREAM_DEADLINE_MS when unset')
  t.equal(loadConfig({ CONNECTION_TIMEOUT_MS: '400000' }).http.connectionTimeoutMs, 400_000)
})

// Regression: the connection timeout (deadline + 60 s) and the idempotency lease (the same) were
// sized for the provider alone; the storage writes after it (each up to STORAGE_OP_TIMEOUT_MS) could
// outlast both, so a slow but successful generation lost its connection, or a retry with the same
// Idempotency-Key found the lease lapsed and generated (and billed) a second time.
t.test('the connection timeout and the idempotency lease outlast the whole generation: provider deadline plus storage writes', async (t) => {
  const config = loadConfig({ UPSTREAM_DEADLINE_MS: '100000', STORAGE_OP_TIMEOUT_MS: '20000' })
  t.equal(config.resilience.generationBudgetMs, 160_000, 'deadline + image writes + manifest write + clean-up')
  t.ok(config.http.connectionTimeoutMs > config.resilience.generationBudgetMs)
  t.match(configError({ UPSTREAM_DEADLINE_MS: '100000', STORAGE_OP_TIMEOUT_MS: '20000', CONNECTION_TIMEOUT_MS: '150000' }), /must be larger than UPSTREAM_DEADLINE_MS \+ 3 × STORAGE_OP_TIMEOUT_MS \(160000\)/)
})

t.test('contradictory timeouts are rejected naming the variable', async (t) => {
  t.match(configError({ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '4000' }), /^Invalid environment variable REQUEST_TIMEOUT_MS=4000: must be at least HEADERS_TIMEOUT_MS \(5000\)/)
  t.match(configError({ CONNECTION_TIMEOUT_MS: '300000' }), /^Invalid environment variable CONNECTION_TIMEOUT_MS=300000: must be larger than UPSTREAM_DEADLINE_MS \+ 3 × STORAGE_OP_TIMEOUT_MS \(390000\)/)
  t.match(configError({ KEEP_ALIVE_TIMEOUT_MS: '0' }), /^Invalid environment variable KEEP_ALIVE_TIMEOUT_MS=/)
  t.match(configError({ HEADERS_TIMEOUT_MS: 'soon' }), /^Invalid environment variable HEADERS_TIMEOUT_MS=/)
})
