// Regression: an Idempotency-Key's claim was held for UPSTREAM_DEADLINE_MS + 60 s, sized for the
// provider alone. The storage writes after it (images, manifest, a failed write's clean-up, each up
// to STORAGE_OP_TIMEOUT_MS) could outlast the claim, and a retry with the same key then found it
// lapsed and generated (and billed) a second time. The claim now holds for the whole generation
// budget, UPSTREAM_DEADLINE_MS + 3 × STORAGE_OP_TIMEOUT_MS, plus 60 s.
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { redisAvailable, testRedis } from '../helpers/redis.js'
import { waitFor } from '../helpers/wait-for.js'

t.test('a running request holds its Idempotency-Key for the upstream deadline plus three storage operations, plus a minute', async (t) => {
  if (!redisAvailable(t)) return
  const redis = await testRedis(t)
  const env = await startTestGateway(t, {
    env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, UPSTREAM_DEADLINE_MS: '100000', STORAGE_OP_TIMEOUT_MS: '20000' }
  })
  env.simulator.setLatency(1500)
  const running = env.post('/generate', { prompt: 'lease' }, { 'idempotency-key': 'lease-1' })
  // The claim is the only key under the idempotency prefix while the generation runs.
  const claimKey = await waitFor(async () => (await redis.keys()).find((key) => key.startsWith(`${redis.prefix}idem:`)), 'the claim is written')
  const leaseMs = await redis.client.pttl(claimKey)
  const budgetMs = 100_000 + 3 * 20_000
  t.ok(leaseMs > budgetMs, `the claim (${leaseMs} ms left) outlasts the generation budget (${budgetMs} ms)`)
  t.ok(leaseMs <= budgetMs + 60_000, `and is the budget plus a minute at most (${leaseMs} ms)`)
  t.equal((await running).status, 200)
})
