import { createHash } from 'node:crypto'
import t from 'tap'
import { startGatewayOn, startTestGateway } from '../helpers/gateway.js'

const sha256 = (bytes: ArrayBuffer) => createHash('sha256').update(Buffer.from(bytes)).digest('hex')

t.test('a durable link keeps working after the provider URL it came from has expired', async (t) => {
  const env = await startTestGateway(t, { env: { UPSTREAM_RESPONSE_FORMAT: 'url' }, simulator: { urlTtlMs: 60_000 } })
  const response = await env.post('/generate', { prompt: 'expiring provider url' })
  t.equal(response.status, 200)
  const answer = await response.json() as { data: Array<{ url: string }> }
  const first = await fetch(answer.data[0]?.url as string)
  const firstSha = sha256(await first.arrayBuffer())

  env.simulator.expireUrlsNow() // every URL the provider issued now answers 404 (simulator.test.ts)
  t.equal(env.simulator.stats.imagesServed, 1, 'the gateway fetched the provider URL once, at generation time')
  const later = await fetch(answer.data[0]?.url as string)
  t.equal(later.status, 200, 'durable link still answers after the provider URL expired')
  t.equal(sha256(await later.arrayBuffer()), firstSha)
  t.equal(env.simulator.stats.imagesServed, 1, 'serving the durable link never touches the provider')
})

t.test('a durable link keeps working after the gateway restarts on the same data directory', async (t) => {
  const env = await startTestGateway(t)
  const response = await env.post('/generate', { prompt: 'survives restart', n: 2 })
  const answer = await response.json() as { data: Array<{ url: string }> }
  const before = await Promise.all(answer.data.map(async (image) => sha256(await (await fetch(image.url)).arrayBuffer())))
  await env.gateway.close()

  const restarted = await startGatewayOn(t, env.dataDir, env.simulator)
  for (const [index, image] of answer.data.entries()) {
    const relinked = image.url.replace(env.url, restarted.gateway.url)
    const download = await fetch(relinked)
    t.equal(download.status, 200, `image ${index} served after restart`)
    t.equal(sha256(await download.arrayBuffer()), before[index])
  }
})
