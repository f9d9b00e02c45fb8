// A failed provider call keeps the provider's own request id (its x-request-id, which its support
// asks for) on the gateway's error and in the error's log line, never in the caller's answer.
import t from 'tap'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'
import { startHostileProvider } from '../helpers/hostile-provider.js'

interface LogLine { msg: string, code?: string, providerRequestId?: string }

// The simulator's request ids.
const SIMULATOR_REQUEST_ID = /^req_[0-9a-f]{16}$/

function logLine (env: TestGateway, msg: string): LogLine | undefined {
  return env.logLines.map((line) => JSON.parse(line) as LogLine).find((line) => line.msg === msg)
}

t.test('the request id a failing provider sent is the one logged with the 502, and the caller does not get it', async (t) => {
  const provider = await startHostileProvider(t, (_request, response) => {
    const body = JSON.stringify({ error: { message: 'overloaded', type: 'server_error', param: null, code: null } })
    response.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'req_provider_4711' })
    response.end(body)
  })
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl } })
  const response = await env.post('/generate', { prompt: 'provider fails' })
  t.equal(response.status, 502)
  const text = await response.text()
  t.notMatch(text, 'req_provider_4711', 'not in the answer')
  t.match(logLine(env, 'request failed'), { code: 'upstream_error', providerRequestId: 'req_provider_4711' })
})

t.test('a simulated provider 500 logs the simulator\'s request id', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'status', status: 500 })
  const response = await env.post('/generate', { prompt: 'provider fails' })
  t.equal(response.status, 502)
  t.match(logLine(env, 'request failed'), { code: 'upstream_error', providerRequestId: SIMULATOR_REQUEST_ID })
})

t.test('a provider 400 (the caller\'s request refused) logs the provider\'s request id with the rejection', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'status', status: 400, code: 'content_policy_violation', message: 'Rejected by the safety system.' })
  const response = await env.post('/generate', { prompt: 'forbidden' })
  t.equal(response.status, 400)
  t.match(logLine(env, 'request rejected'), { code: 'upstream_rejected', providerCode: 'content_policy_violation', providerRequestId: SIMULATOR_REQUEST_ID })
})

t.test('an answer whose image is not an image logs the id of that answer', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'non-image' })
  const response = await env.post('/generate', { prompt: 'broken image' })
  t.equal(response.status, 502)
  t.match(logLine(env, 'request failed'), { code: 'upstream_invalid_image', providerRequestId: SIMULATOR_REQUEST_ID })
})
