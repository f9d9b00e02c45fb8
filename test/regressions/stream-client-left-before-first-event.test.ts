// Regression: a streamed generation whose client left before the first event (a closed tab during a
// long wait) was answered into the closed response once the images were stored: Fastify failed the
// send and the gateway logged a 500 "request failed" (and counted it) for a normal user action.
// Now nothing is sent, one info line says the client left, and the images are stored as before.
import { request as httpRequest } from 'node:http'
import t from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { waitFor } from '../helpers/wait-for.js'

t.test('a client that leaves before the first event is no error: the generation is stored, nothing logged above info', async (t) => {
  const env = await startTestGateway(t, { simulator: { latencyMs: 800 } })
  await new Promise<void>((resolve) => {
    const request = httpRequest(new URL('/v1/images/generations', env.url), { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' } })
    request.on('error', () => resolve())
    request.end(JSON.stringify({ prompt: 'gone before it began', stream: true, partial_images: 1 }))
    setTimeout(() => { request.destroy(); resolve() }, 200)
  })
  await waitFor(async () => {
    const page = await (await fetch(`${env.url}/v1/generations`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json() as { data: unknown[] }
    return page.data.length === 1 ? true : undefined
  }, 'the generation to be stored', 10_000)
  await waitFor(async () => env.logLines.some((line) => line.includes('client left before the event stream began')) ? true : undefined, 'the info line', 5000)
  const errors = env.logLines.map((line) => JSON.parse(line) as { level: number, msg: string }).filter((entry) => entry.level >= 50)
  t.same(errors.map((entry) => entry.msg), [], 'no error-level log line')
  const metrics = await (await fetch(`${env.url}/metrics`)).text()
  t.notMatch(metrics, /status="500"/, 'no 500 counted')
})
