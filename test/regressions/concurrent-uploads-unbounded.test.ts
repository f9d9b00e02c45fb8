// Regression: an edit's in-flight slot was taken only after its whole upload had been read, so one
// tenant could hold any number of uploads (each up to UPLOAD_TOTAL_MAX_BYTES, in memory) at once —
// 200 parallel 64 MiB uploads would be 12.8 GB before any 429. Now a tenant holds at most maxInFlight
// uploads per process: one more is a 429 too_many_in_flight while the others are still arriving.
import { request as httpRequest, type ClientRequest } from 'node:http'
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { noisyImage } from '../helpers/edit-inputs.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import { waitFor } from '../helpers/wait-for.js'

const KEY = 'one-at-a-time-key-0123456789'
const BOUNDARY = '----igw-regression'

/** An upload that has started and never ends (until destroyed). */
function unfinishedUpload (url: string): ClientRequest {
  const request = httpRequest(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(50 * 1024 * 1024) }
  })
  request.on('error', () => {})
  request.write(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n`)
  request.write(Buffer.alloc(64 * 1024, 1))
  return request
}

async function edit (url: string, image: Buffer): Promise<Response> {
  const form = new FormData()
  form.append('prompt', 'x')
  form.append('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'a.png')
  return await fetch(`${url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: form })
}

t.test('a tenant with maxInFlight 1 cannot hold a second upload while the first is arriving', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: [KEY], policy: { maxInFlight: 1 } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, API_KEYS: '' } })
  const image = await noisyImage({ seed: 1, width: 64, height: 64, format: 'png' })
  const first = unfinishedUpload(`${env.url}/v1/images/edits`)
  t.teardown(() => first.destroy())
  // The first upload's bytes have reached the gateway once the second is refused for it.
  const refused = await waitFor(async () => {
    const response = await edit(env.url, image)
    return response.status === 429 ? response : undefined
  }, 'the second upload to be refused', 10_000)
  const envelope = await refused.json() as { error: { code: string } }
  t.equal(envelope.error.code, 'too_many_in_flight')
  t.equal(refused.headers.get('retry-after'), '1')
  first.destroy()
  const after = await waitFor(async () => {
    const response = await edit(env.url, image)
    return response.status === 200 ? response : undefined
  }, 'the slot to come back once the first upload is gone', 10_000)
  t.equal(after.status, 200)
})
