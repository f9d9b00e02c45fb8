// Listening on a wildcard host (0.0.0.0, the container default) without PUBLIC_BASE_URL, durable
// links said `localhost` while the URL startGateway reported said `127.0.0.1`: two helpers mapped
// the wildcard differently, so links did not start with the gateway's own URL. One helper now
// (src/http/listening-url.ts) gives both.
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'

t.test('on a wildcard host, links start with the URL the gateway reports, and serve the image', async (t) => {
  const env = await startTestGateway(t, { env: { HOST: '0.0.0.0' } })
  const response = await env.post('/generate', { prompt: 'wildcard host' })
  t.equal(response.status, 200)
  const answer = await response.json() as { data: Array<{ url: string }> }
  const link = answer.data[0]?.url as string
  t.ok(link.startsWith(`${env.url}/images/`), `${link} starts with ${env.url}`)
  const image = await fetch(link)
  t.equal(image.status, 200)
  t.equal(image.headers.get('content-type'), 'image/png')
})
