// Issue 12 item 7: provider error messages passed to tenants and into logs verbatim, so a provider
// that echoed the Authorization header leaked the gateway's upstream key to a tenant.
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { sendJson, startHostileProvider } from '../helpers/hostile-provider.js'
import type { Envelope } from '../helpers/envelope.js'

const UPSTREAM_KEY = 'gw-upstream-key-7f3a9c1d2e4b'

for (const status of [400, 401, 500]) {
  t.test(`a provider ${status} echoing the Authorization header leaks the key neither to the tenant nor to any log line`, async (t) => {
    const provider = await startHostileProvider(t, (request, response) => sendJson(response, status, {
      error: {
        message: `Invalid request: header Authorization: ${String(request.headers.authorization)} is not allowed here (key=${String(request.headers.authorization).slice('Bearer '.length)}); other key sk-proj-AbCdEf0123456789 rejected`,
        type: 'invalid_request_error',
        param: null,
        code: 'bad_header'
      }
    }))
    const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl, UPSTREAM_API_KEY: UPSTREAM_KEY } })
    const response = await env.post('/generate', { prompt: 'echo my key' })
    const text = await response.text()
    t.equal(provider.received[0]?.headers.authorization, `Bearer ${UPSTREAM_KEY}`, 'the provider did get the key (and echoed it)')
    t.notMatch(text, UPSTREAM_KEY, 'the answer does not carry the key')
    t.notMatch(text, 'sk-proj-AbCdEf0123456789', 'nor any sk- token')
    const logs = env.logLines.join('\n')
    t.notMatch(logs, UPSTREAM_KEY, 'no log line carries the key')
    t.notMatch(logs, 'sk-proj-AbCdEf0123456789', 'nor any sk- token')
    if (status === 400) {
      t.equal(response.status, 400)
      t.same(JSON.parse(text) as Envelope, {
        error: {
          message: 'Invalid request: header Authorization: Bearer [redacted] is not allowed here (key=[redacted]); other key [redacted] rejected',
          type: 'invalid_request_error',
          param: null,
          code: 'bad_header'
        }
      })
    } else {
      t.equal(response.status, 502)
    }
  })
}
