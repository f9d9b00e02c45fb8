// Benchmark child: the baseline, a bare Fastify + undici passthrough. It forwards the body to the
// same simulator and streams the answer back: no auth, limits, validation, storage or logging.
import Fastify from 'fastify'
import { Pool } from 'undici'
import { serveParent } from './serve-parent.js'

const upstreamUrl = process.env.BASELINE_UPSTREAM_URL ?? ''
const upstreamKey = process.env.BASELINE_UPSTREAM_KEY ?? ''
const pool = new Pool(upstreamUrl, { connections: 256 })
const app = Fastify({ logger: false })

app.post('/generate', async (request, reply) => {
  // The gateway asks GPT image models for their default (base64); so does the baseline.
  const { response_format: _callerFormat, ...upstreamBody } = request.body as Record<string, unknown>
  const answer = await pool.request({
    path: '/v1/images/generations',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${upstreamKey}` },
    body: JSON.stringify(upstreamBody)
  })
  reply.code(answer.statusCode).header('content-type', 'application/json')
  return await reply.send(answer.body)
})

const url = await app.listen({ host: '127.0.0.1', port: 0 })
serveParent({ url, close: async () => { await app.close(); await pool.close() } })
