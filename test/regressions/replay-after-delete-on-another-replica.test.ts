// Regression (with shared state in Redis): a replica that had read a generation's manifest kept it
// in its cache, so after another replica deleted the generation, an Idempotency-Key replay on the
// first still answered 200 with dead links. A replay reads the manifest from storage every time.
import t from 'tap'
import { redisAvailable } from '../helpers/redis.js'
import { startReplicas, TENANT_KEY } from '../helpers/replicas.js'

interface Answer { id: string, data: Array<{ url: string }> }

if (redisAvailable(t)) {
  t.test('a url replay on replica A after replica B deleted the generation is a 410', async (t) => {
    const { replicas: [a, b] } = await startReplicas(t)
    if (a === undefined || b === undefined) throw new Error('two replicas expected')
    const body = { prompt: 'deleted elsewhere' }
    const first = await (await a.post('/generate', body, { 'idempotency-key': 'cross-replica' })).json() as Answer
    const replayOnA = await a.post('/generate', body, { 'idempotency-key': 'cross-replica' })
    t.equal(replayOnA.status, 200, 'replica A replays it (and has read its manifest)')
    t.equal((await a.get(`/v1/generations/${first.id}`)).status, 200)

    const deleted = await fetch(`${b.url}/v1/generations/${first.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TENANT_KEY}` } })
    t.equal(deleted.status, 200, 'replica B deletes it')

    const replayAfter = await a.post('/generate', body, { 'idempotency-key': 'cross-replica' })
    t.equal(replayAfter.status, 410)
    t.same(await replayAfter.json(), {
      error: { message: 'The generation this Idempotency-Key produced has been deleted.', type: 'not_found_error', param: null, code: 'generation_deleted' }
    })
  })
}
