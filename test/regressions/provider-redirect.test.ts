// Issue 12 item 3: a provider answering the API POST with a redirect made the gateway re-send the
// prompt (and its upstream key) to another host, even to the gateway's own /metrics.
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { startHostileProvider } from '../helpers/hostile-provider.js'
import { storedFiles } from '../helpers/stored-files.js'
import type { Envelope } from '../helpers/envelope.js'

for (const status of [301, 302, 307, 308]) {
  t.test(`a provider answering the API call with ${status} to another host is a 502 upstream_malformed_response and the other host is never called`, async (t) => {
    const elsewhere = await startHostileProvider(t, (_request, response) => {
      response.writeHead(500)
      response.end()
    })
    const provider = await startHostileProvider(t, (_request, response) => {
      response.writeHead(status, { location: `${elsewhere.baseUrl}/images/generations` })
      response.end()
    })
    const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl, UPSTREAM_API_KEY: 'sk-redirect-test-key-0123' } })
    const response = await env.post('/generate', { prompt: 'secret prompt text' })
    t.equal(response.status, 502)
    t.same(await response.json() as Envelope, {
      error: {
        message: `The image provider answered with a redirect (HTTP ${status}); the gateway does not follow redirects from the provider's API.`,
        type: 'upstream_error',
        param: null,
        code: 'upstream_malformed_response'
      }
    })
    t.equal(provider.received.length, 1, 'the provider was called once')
    t.same(elsewhere.received, [], 'the redirect target was never called')
    t.same(await storedFiles(env.dataDir), [])
  })
}

t.test('a provider redirecting to the gateway\'s own /metrics does not make the gateway call it', async (t) => {
  let gatewayUrl = ''
  const provider = await startHostileProvider(t, (_request, response) => {
    response.writeHead(307, { location: `${gatewayUrl}/metrics` })
    response.end()
  })
  const env = await startTestGateway(t, { env: { UPSTREAM_BASE_URL: provider.baseUrl } })
  gatewayUrl = env.url
  const response = await env.post('/generate', { prompt: 'metrics please' })
  t.equal(response.status, 502)
  t.equal((await response.json() as Envelope).error.code, 'upstream_malformed_response')
  t.notOk(env.logLines.some((line) => line.includes('"url":"/metrics"')), 'no request reached /metrics')
})
