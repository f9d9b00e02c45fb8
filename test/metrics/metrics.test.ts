import t from 'tap'
import type { Envelope } from '../helpers/envelope.js'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { scrape } from '../helpers/metrics-text.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import { gatewayWithUpstreams } from '../helpers/upstreams.js'

const ACME = 'acme-metrics-key-0123456789'
const GLOBEX = 'globex-metrics-key-0123456789'

async function twoTenantGateway (t: Parameters<typeof startTestGateway>[0], env: Record<string, string> = {}) {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [
    { id: 'acme', keys: [ACME], policy: { images: { perMinute: 100, perDay: 2 } } },
    { id: 'globex', keys: [GLOBEX], policy: { rateLimit: { max: 1, timeWindow: '1 minute' } } }
  ])
  return await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, ...env } })
}

t.test('after generations and 429s the counters moved: requests, images, bytes, rate limits, quota, upstream and storage', async (t) => {
  const env = await twoTenantGateway(t)
  const generated = await env.post('/generate', { prompt: 'metrics one', n: 2 }, { authorization: `Bearer ${ACME}` })
  t.equal(generated.status, 200)
  const quotaRefused = await env.post('/generate', { prompt: 'metrics two' }, { authorization: `Bearer ${ACME}` })
  t.equal(quotaRefused.status, 429)
  t.equal((await env.post('/v1/images/generations', { prompt: 'metrics three' }, { authorization: `Bearer ${GLOBEX}` })).status, 200)
  t.equal((await env.post('/v1/images/generations', { prompt: 'metrics four' }, { authorization: `Bearer ${GLOBEX}` })).status, 429)
  const { id } = await generated.json() as { id: string }
  const manifest = await (await fetch(`${env.url}/v1/generations/${id}`, { headers: { authorization: `Bearer ${ACME}` } })).json() as { images: Array<{ bytes: number }> }

  const metrics = await scrape(env.url)
  t.equal(metrics.value('igw_http_requests_total', { route: '/generate', method: 'POST', status: '200', tenant: 'acme' }), 1)
  t.equal(metrics.value('igw_http_requests_total', { route: '/generate', method: 'POST', status: '429', tenant: 'acme' }), 1)
  t.equal(metrics.value('igw_http_requests_total', { route: '/v1/images/generations', status: '429', tenant: 'globex' }), 1)
  t.equal(metrics.value('igw_images_generated_total', { tenant: 'acme', model: 'gpt-image-1' }), 2)
  t.equal(metrics.value('igw_images_generated_total', { tenant: 'globex' }), 1)
  t.equal(metrics.value('igw_image_bytes_stored_total', { tenant: 'acme', model: 'gpt-image-1' }), manifest.images.reduce((sum, image) => sum + image.bytes, 0))
  t.equal(metrics.value('igw_quota_rejected_total', { code: 'image_quota_exceeded', tenant: 'acme' }), 1)
  t.equal(metrics.value('igw_rate_limited_total', { code: 'rate_limit_exceeded', tenant: 'globex' }), 1)
  t.equal(metrics.value('igw_rate_limited_total', { tenant: 'acme' }), 0, 'a quota refusal is not counted as a rate limit')
  t.equal(metrics.value('igw_upstream_request_duration_seconds_count', { model: 'gpt-image-1', outcome: 'ok' }), 2, 'refused requests never reach the provider')
  t.equal(metrics.value('igw_upstream_attempts_total'), 2)
  t.ok(metrics.value('igw_storage_operation_duration_seconds_count', { driver: 'local', operation: 'put', outcome: 'ok' }) >= 4, 'images and manifests written')
  t.ok(metrics.value('igw_http_request_duration_seconds_count', { route: '/generate', status_class: '2xx' }) >= 1)
  t.equal(metrics.value('igw_upstream_circuit_state'), 0, 'circuit closed')
  t.ok(metrics.value('igw_process_resident_memory_bytes') > 0, 'process metrics too')
})

t.test('labels are route patterns and bounded values: never URLs, prompts, keys or generation ids', async (t) => {
  const env = await startTestGateway(t)
  const answer = await (await env.post('/generate', { prompt: 'a secret prompt about zebras' })).json() as { id: string, data: Array<{ url: string }> }
  await fetch(answer.data[0]?.url ?? '')
  await fetch(`${env.url}/v1/generations/${answer.id}`, { headers: { authorization: `Bearer ${TEST_KEY}` } })
  await fetch(`${env.url}/no/such/route/xyzzy`)
  const metrics = await scrape(env.url)
  t.same(metrics.labelValues('igw_http_requests_total', 'route'), ['/generate', '/images/:prefix/:generationId/:file', '/v1/generations/:id', 'unmatched'])
  t.notMatch(metrics.text, answer.id, 'no generation id')
  t.notMatch(metrics.text, 'zebras', 'no prompt')
  t.notMatch(metrics.text, 'xyzzy', 'no raw URL')
  t.notMatch(metrics.text, TEST_KEY, 'no key')
  t.same(metrics.labelValues('igw_http_requests_total', 'tenant'), ['anonymous', 'default'])
})

t.test('SDK retries, fallbacks and circuit breaker changes are counted', async (t) => {
  const { env, primary } = await gatewayWithUpstreams(t, { fallback: true, maxRetries: 1, env: { BREAKER_FAILURES: '1', BREAKER_COOLDOWN_MS: '600000' } })
  primary.setDefaultFault({ kind: 'status', status: 500 })
  t.equal((await env.post('/generate', { prompt: 'falls back' })).status, 200)
  const metrics = await scrape(env.url)
  t.equal(metrics.value('igw_upstream_attempts_total', { upstream: 'primary' }), 2, 'one retry by the SDK')
  t.equal(metrics.value('igw_upstream_request_duration_seconds_count', { upstream: 'primary', outcome: 'upstream_error' }), 1)
  t.equal(metrics.value('igw_upstream_fallbacks_total', { from: 'primary', to: 'backup', reason: 'upstream_error' }), 1)
  t.equal(metrics.value('igw_upstream_circuit_state', { upstream: 'primary' }), 2, 'open')
  t.equal(metrics.value('igw_upstream_circuit_state', { upstream: 'backup' }), 0, 'closed')
  t.equal(metrics.value('igw_upstream_circuit_transitions_total', { upstream: 'primary', state: 'open' }), 1)
})

t.test('with METRICS_TOKEN set, /metrics needs it as a bearer token', async (t) => {
  const token = 'metrics-token-0123456789abcdef'
  const env = await startTestGateway(t, { env: { METRICS_TOKEN: token } })
  const anonymous = await fetch(`${env.url}/metrics`)
  t.equal(anonymous.status, 401)
  t.equal(((await anonymous.json()) as { error: { code: string } }).error.code, 'invalid_metrics_token')
  t.equal((await fetch(`${env.url}/metrics`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).status, 401, 'a tenant key is not the metrics token')
  const scraped = await scrape(env.url, { authorization: `Bearer ${token}` })
  t.ok(scraped.value('igw_http_requests_total', { route: '/metrics', status: '401' }) >= 2)
})

t.test('each gateway has its own registry', async (t) => {
  const first = await startTestGateway(t)
  const second = await startTestGateway(t)
  t.equal((await first.post('/generate', { prompt: 'only on the first' })).status, 200)
  t.equal((await scrape(first.url)).value('igw_images_generated_total'), 1)
  t.equal((await scrape(second.url)).value('igw_images_generated_total'), 0)
})

t.test('a provider 400 is counted as upstream_rejected, not under the provider\'s own code', async (t) => {
  const { env, primary } = await gatewayWithUpstreams(t, { fallback: false, maxRetries: 0 })
  primary.setDefaultFault({ kind: 'status', status: 400, code: 'content_policy_violation', message: 'Rejected by the safety system.' })
  const response = await env.post('/generate', { prompt: 'forbidden' })
  t.equal(response.status, 400)
  t.equal((await response.json() as Envelope).error.code, 'content_policy_violation', 'the caller still sees the provider\'s code')
  const metrics = await scrape(env.url)
  t.equal(metrics.value('igw_upstream_request_duration_seconds_count', { upstream: 'primary', outcome: 'upstream_rejected' }), 1)
  t.notOk(metrics.labelValues('igw_upstream_request_duration_seconds_count', 'outcome').includes('content_policy_violation'), 'no provider text in a label')
})
