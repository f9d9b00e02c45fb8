// Edits on S3 storage: the inputs are stored beside the outputs in the bucket; when S3 is down
// they wait in the spool with the outputs, and the flusher moves them all.
import OpenAI, { toFile } from 'openai'
import t from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { fetchBytes, manifestOf, noisyImage, sha256 } from '../helpers/edit-inputs.js'
import { startS3rver } from '../helpers/s3rver.js'

const generationOf = (url: string) => /\/(gen_[0-9a-f]{36})\//.exec(url)?.[1] as string

t.test('on S3, an edit stores its inputs beside its outputs in the bucket', async (t) => {
  const s3 = await startS3rver(t)
  const env = await startTestGateway(t, { env: s3.env })
  const input = await noisyImage({ seed: 51 })
  const mask = await noisyImage({ seed: 52, alpha: true })
  const client = new OpenAI({ baseURL: `${env.url}/v1`, apiKey: TEST_KEY, maxRetries: 0 })
  const result = await client.images.edit({ image: await toFile(input, 'in.png', { type: 'image/png' }), mask: await toFile(mask, 'mask.png', { type: 'image/png' }), prompt: 'on s3' })
  const id = generationOf(result.data?.[0]?.url as string)
  t.same(await s3.storage().list(`default/${id}/`), ['0.png', 'input-0.png', 'manifest.json', 'mask.png'].map((name) => `default/${id}/${name}`))
  t.match(await manifestOf(env, id), { inputs: [{ sha256: sha256(input), key: `default/${id}/input-0.png` }, { sha256: sha256(mask), key: `default/${id}/mask.png` }] })
  // The by-reference path reads the bucket too: the stored output goes back in as an input.
  const again = await env.post('/v1/images/edits', { prompt: 'again', images: [{ generation_id: id, index: 0 }] })
  t.equal(again.status, 200)
  t.equal(env.simulator.lastInputs.at(-1)?.images[0]?.sha256, sha256(await fetchBytes(result.data?.[0]?.url as string)))
})

t.test('S3 down during an edit: outputs and inputs wait in the spool, and the flusher moves them all', async (t) => {
  const s3 = await startS3rver(t)
  const env = await startTestGateway(t, { env: { ...s3.env, S3_REQUEST_TIMEOUT_MS: '2000', SPOOL_FLUSH_MS: '60000' } })
  await s3.stop()
  const input = await noisyImage({ seed: 53 })
  const form = new FormData()
  form.append('image', new Blob([new Uint8Array(input)], { type: 'image/png' }), 'in.png')
  form.append('prompt', 'storage down')
  const response = await fetch(`${env.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: form })
  t.equal(response.status, 200, 'the caller still gets the edit')
  const answer = await response.json() as { id: string, data: Array<{ url: string }> }
  const output = await fetchBytes(answer.data[0]?.url as string)
  t.match(await manifestOf(env, answer.id), { operation: 'edit', inputs: [{ sha256: sha256(input) }] }, 'its record reads from the spool')
  await s3.restart()
  t.equal(await env.gateway.flusher.flushNow(), true, 'the spool is empty after the flush')
  t.same(await s3.storage().list(`default/${answer.id}/`), ['0.png', 'input-0.png', 'manifest.json'].map((name) => `default/${answer.id}/${name}`))
  t.same(await fetchBytes(answer.data[0]?.url as string), output)
})
