// After a DELETE on one replica, another kept answering HEAD 200 for the images and 200 for the
// record from its manifest cache, for ever (manifests were cached as immutable). Now a delete is
// announced through Redis and every replica drops the manifest at once; without Redis, cached
// manifests are read again after MANIFEST_CACHE_TTL_MS.
import t from 'tap'
import { startSimulator } from '../../src/simulator/index.js'
import { SIMULATOR_KEY, startGatewayOn, TEST_KEY } from '../helpers/gateway.js'
import { redisAvailable } from '../helpers/redis.js'
import { startReplicas, TENANT_KEY } from '../helpers/replicas.js'
import { startS3rver } from '../helpers/s3rver.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import type { Envelope } from '../helpers/envelope.js'
import { waitFor } from '../helpers/wait-for.js'

interface Answer { id: string, data: Array<{ url: string }> }

const NOT_FOUND = { error: { message: 'No such generation.', type: 'not_found_error', param: null, code: 'not_found' } }
/** The same image path, asked of another replica. */
const on = (replicaUrl: string, imageUrl: string) => `${replicaUrl}${new URL(imageUrl).pathname}`

t.test('with Redis: a DELETE on replica A makes replica B answer 404 for the image and the record at once, although its cache TTL is an hour', async (t) => {
  if (!redisAvailable(t)) return
  const { replicas } = await startReplicas(t, { env: { MANIFEST_CACHE_TTL_MS: '3600000' } })
  const [a, b] = replicas
  if (a === undefined || b === undefined) throw new Error('two replicas expected')
  const created = await a.post('/generate', { prompt: 'delete me everywhere', size: '512x512' })
  t.equal(created.status, 200)
  const answer = await created.json() as Answer
  const image = on(b.url, answer.data[0]?.url ?? '')

  // B caches the manifest: the image's headers and the record.
  t.equal((await fetch(image, { method: 'HEAD' })).status, 200)
  t.equal((await b.get(`/v1/generations/${answer.id}`)).status, 200)

  t.equal((await fetch(`${a.url}/v1/generations/${answer.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TENANT_KEY}` } })).status, 200)

  await waitFor(async () => (await fetch(image, { method: 'HEAD' })).status === 404 ? true : undefined, 'B answers HEAD 404')
  const record = await b.get(`/v1/generations/${answer.id}`)
  t.equal(record.status, 404, 'the record is gone on B too')
  t.same(await record.json() as Envelope, NOT_FOUND)
  t.equal((await fetch(image)).status, 404, 'and so is the image')
})

t.test('without Redis: a replica serves a deleted generation from its cache only until MANIFEST_CACHE_TTL_MS, then reads storage again and answers 404', async (t) => {
  const s3 = await startS3rver(t)
  const simulator = await startSimulator({ apiKey: SIMULATOR_KEY })
  t.teardown(() => simulator.close())
  let clock = Date.parse('2026-11-25T12:00:00Z')
  const now = () => clock
  const env = { ...s3.env, MANIFEST_CACHE_TTL_MS: '5000' }
  const a = await startGatewayOn(t, await makeDataDir(t), simulator, env, { now })
  const b = await startGatewayOn(t, await makeDataDir(t), simulator, env, { now })
  const auth = { authorization: `Bearer ${TEST_KEY}` }

  const created = await fetch(`${a.gateway.url}/generate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'ttl', size: '512x512' }) })
  t.equal(created.status, 200)
  const answer = await created.json() as Answer
  const image = on(b.gateway.url, answer.data[0]?.url ?? '')
  t.equal((await fetch(image, { method: 'HEAD' })).status, 200, 'B caches the manifest')
  t.equal((await fetch(`${b.gateway.url}/v1/generations/${answer.id}`, { headers: auth })).status, 200)

  t.equal((await fetch(`${a.gateway.url}/v1/generations/${answer.id}`, { method: 'DELETE', headers: auth })).status, 200)
  t.equal((await fetch(image, { method: 'HEAD' })).status, 200, 'within the TTL B may still answer from its cache (documented)')

  clock += 5000
  t.equal((await fetch(image, { method: 'HEAD' })).status, 404, 'past the TTL B reads storage again')
  const record = await fetch(`${b.gateway.url}/v1/generations/${answer.id}`, { headers: auth })
  t.equal(record.status, 404)
  t.same(await record.json() as Envelope, NOT_FOUND)
})
