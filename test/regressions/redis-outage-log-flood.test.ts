// A Redis outage under REDIS_FAILURE_POLICY=fail-closed once logged one error line with a stack per
// refused request (3,991 lines in 20 s). The refusal is an expected outcome: it is logged at warn,
// without a stack, a few lines per interval however many requests are refused.
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { redisAvailable } from '../helpers/redis.js'

interface LogLine { level: number, msg?: string, err?: { stack?: string }, code?: string }

// Nothing listens on port 1: every connection attempt is refused at once.
const UNREACHABLE_REDIS = 'redis://127.0.0.1:1'

if (redisAvailable(t)) {
  t.test('50 requests refused with 503 shared_state_unavailable log a handful of warn lines, no error and no stack', async (t) => {
    const env = await startTestGateway(t, { env: { REDIS_URL: UNREACHABLE_REDIS, REDIS_FAILURE_POLICY: 'fail-closed' } })
    const before = env.logLines.length
    const responses = []
    for (let index = 0; index < 50; index++) responses.push(await env.post('/generate', { prompt: `outage ${index}`, size: '512x512' }))
    t.same(responses.map((response) => response.status), Array(50).fill(503), 'every request is refused')
    const envelope = await responses[49]?.json()
    t.same(envelope, { error: { message: 'The gateway cannot reach its shared state (Redis), so limits cannot be checked; try again shortly.', type: 'server_error', param: null, code: 'shared_state_unavailable' } })
    t.equal(responses[49]?.headers.get('retry-after'), '1')

    const lines = env.logLines.slice(before).map((line) => JSON.parse(line) as LogLine)
    t.same(lines.filter((line) => line.level >= 50).map((line) => line.msg), [], 'nothing is logged at error or above')
    t.same(lines.filter((line) => JSON.stringify(line).includes('"stack"')).map((line) => line.msg), [], 'no line carries a stack')
    const aboutOutage = lines.filter((line) => line.level >= 40)
    t.ok(aboutOutage.length >= 1, 'the outage is reported')
    t.ok(aboutOutage.length <= 4, `a handful of warn lines, not one per request (saw ${aboutOutage.length})`)
  })
}
