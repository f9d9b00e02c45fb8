// Regression: an edit or a variation by a tenant whose policy leaves out that operation was refused
// only after its whole upload had been read (up to UPLOAD_TOTAL_MAX_BYTES held in memory), because
// the policy ran in the use case, after the route had read the form. The operation is now checked
// before the body is read: the 403 comes while the upload is still unfinished.
import { request as httpRequest } from 'node:http'
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'

const KEY = 'generate-only-key-0123456789'
const BOUNDARY = '----igw-regression'

/** Starts a multipart upload and never finishes it; resolves with the answer the gateway sends anyway. */
async function unfinishedUpload (url: string): Promise<{ status: number, body: string }> {
  return await new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': String(50 * 1024 * 1024) }
    }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => { request.destroy(); resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }) })
    })
    request.on('error', (error) => { if (!request.destroyed) reject(error) })
    request.setTimeout(15_000, () => { request.destroy(); reject(new Error('no answer while the upload was unfinished: the body is being read first')) })
    request.write(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n`)
    request.write(Buffer.alloc(64 * 1024, 1)) // then nothing more: the upload never ends
  })
}

t.test('a tenant that may not edit or make variations is refused before its upload is read', async (t) => {
  const dir = await makeDataDir(t)
  const tenantsFile = await writeTenantsFile(dir, [{ id: 'acme', keys: [KEY], policy: { operations: ['generate'] } }])
  const env = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile, API_KEYS: '' } })
  for (const path of ['/v1/images/edits', '/v1/images/variations']) {
    const answer = await unfinishedUpload(`${env.url}${path}`)
    t.equal(answer.status, 403, `${path}: answered while the upload was unfinished`)
    const envelope = JSON.parse(answer.body) as { error: { code: string, param: string } }
    t.equal(envelope.error.code, 'policy_violation')
    t.equal(envelope.error.param, 'operation')
  }
  t.equal(env.simulator.stats.editRequests + env.simulator.stats.variationRequests, 0)
})
