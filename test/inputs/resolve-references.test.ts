// Inputs by reference against a real gateway's stored generations: the caller's own images resolve
// to exactly their stored bytes, by {generation_id, index} or by durable link; another tenant's
// image is a 404 worded like an unknown one; a URL that is not a gateway link is a 400 naming the
// field; stored bytes that no longer match their sha256 are refused.
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t, { type Test } from 'tap'
import { ManifestReader } from '../../src/generation/manifest-reader.js'
import { createLinkBuilder } from '../../src/storage/links.js'
import { LocalStorage } from '../../src/storage/local-storage.js'
import { storedImageBytes } from '../../src/storage/stored-image-bytes.js'
import type { Envelope } from '../helpers/envelope.js'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { writeTenantsFile } from '../helpers/tenants-file.js'
import { startInputApp, type DescribedInputs, type InputApp } from './input-app.js'

const ACME = 'acme-key-0123456789'
const GLOBEX = 'globex-key-0123456789'

interface Generated { id: string, data: Array<{ url: string }> }
interface World { gateway: TestGateway, inputs: InputApp, acme: Generated, globex: Generated, damaged: string[] }

async function world (t: Test, limits: { totalMaxBytes?: number } = {}): Promise<World> {
  const tenantsFile = await writeTenantsFile(await makeDataDir(t), [{ id: 'acme', keys: [ACME] }, { id: 'globex', keys: [GLOBEX] }])
  const gateway = await startTestGateway(t, { env: { TENANTS_FILE: tenantsFile } })
  const generate = async (key: string): Promise<Generated> => await (await gateway.post('/v1/images/generations', { prompt: 'a stored input', n: 2 }, { authorization: `Bearer ${key}` })).json() as Generated
  const [acme, globex] = [await generate(ACME), await generate(GLOBEX)]
  // The gateway's storage read as the edit route will read it: manifests, then whole images.
  const storage = new LocalStorage({ rootDir: gateway.dataDir, fsync: false })
  await storage.init()
  const damaged: string[] = []
  const inputs = await startInputApp(t, {
    limits,
    references: {
      manifests: new ManifestReader(storage, { ttlMs: 0 }),
      readImage: async (image) => await storedImageBytes(storage, image.key, image.bytes),
      linkTo: createLinkBuilder({ mode: 'gateway' }, () => gateway.url),
      onDamaged: (key) => { damaged.push(key) }
    }
  })
  return { gateway, inputs, acme, globex, damaged }
}

async function editByReference (w: World, storagePrefix: string, body: object): Promise<{ status: number, body: unknown }> {
  const response = await fetch(`${w.inputs.url}/edits/by-reference`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-storage-prefix': storagePrefix }, body: JSON.stringify({ prompt: 'edit it', ...body }) })
  return { status: response.status, body: await response.json() }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

t.test("the tenant's own images resolve, by generation and index and by durable link, to the stored bytes", async (t) => {
  const w = await world(t)
  const [first, second] = w.acme.data
  const answer = await editByReference(w, 'acme', { images: [{ generation_id: w.acme.id, index: 1 }, { image_url: first?.url }] })
  t.equal(answer.status, 200)
  const { images } = answer.body as DescribedInputs
  const downloaded = await Promise.all([second, first].map(async (image) => Buffer.from(await (await fetch(image?.url ?? '')).arrayBuffer())))
  t.match(images, [
    { fileName: 'image-0.png', source: { generationId: w.acme.id, index: 1 }, sha256: sha256(downloaded[0] as Buffer), bytes: downloaded[0]?.length },
    { fileName: 'image-1.png', source: { generationId: w.acme.id, index: 0 }, sha256: sha256(downloaded[1] as Buffer), bytes: downloaded[1]?.length }
  ])
  t.same((answer.body as DescribedInputs).fields, { prompt: 'edit it' })
})

t.test("another tenant's image is a 404 worded exactly like an unknown generation's", async (t) => {
  const w = await world(t)
  const byId = await editByReference(w, 'acme', { images: [{ generation_id: w.globex.id, index: 0 }] })
  const byLink = await editByReference(w, 'acme', { images: [{ image_url: w.globex.data[0]?.url }] })
  const unknown = await editByReference(w, 'acme', { images: [{ generation_id: `gen_${'0'.repeat(36)}`, index: 0 }] })
  for (const answer of [byId, byLink, unknown]) {
    t.equal(answer.status, 404)
    t.same((answer.body as Envelope).error, { message: "'images[0]' names no image stored for this API key's tenant.", type: 'not_found_error', param: 'images[0]', code: 'not_found' })
  }
  t.equal((await editByReference(w, 'globex', { images: [{ generation_id: w.globex.id, index: 0 }] })).status, 200, 'its own tenant resolves it')
})

t.test('an index the generation does not have is a 404 naming the reference', async (t) => {
  const w = await world(t)
  const answer = await editByReference(w, 'acme', { images: [{ generation_id: w.acme.id, index: 0 }], mask: { generation_id: w.acme.id, index: 5 } })
  t.equal(answer.status, 404)
  t.match((answer.body as Envelope).error, { code: 'not_found', param: 'mask' })
})

t.test('a URL that is not one of this gateway\'s durable links is a 400 naming the field, and is never fetched', async (t) => {
  const w = await world(t)
  const link = w.acme.data[0]?.url ?? ''
  const notLinks = [
    link.replace('127.0.0.1', 'localhost'), // another origin
    `${link}?download=1`,
    link.replace('/images/', '/v1/images/'),
    link.replace(/\/0\.png$/, '/manifest.json'),
    'https://example.com/images/acme/x/0.png',
    'not a url'
  ]
  for (const url of notLinks) {
    const answer = await editByReference(w, 'acme', { images: [{ generation_id: w.acme.id, index: 0 }, { image_url: url }] })
    t.equal(answer.status, 400, url)
    t.match((answer.body as Envelope).error, { code: 'invalid_value', param: 'images[1].image_url', message: /is not a durable link of this gateway/ })
  }
})

t.test('stored bytes that no longer match the manifest are refused, and the damage is reported', async (t) => {
  const w = await world(t)
  const file = path.join(w.gateway.dataDir, 'acme', w.acme.id, '0.png')
  const stored = await readFile(file)
  stored[stored.length - 100] = (stored[stored.length - 100] ?? 0) ^ 0xff // same length: only the hash can tell
  await writeFile(file, stored)
  const answer = await editByReference(w, 'acme', { images: [{ generation_id: w.acme.id, index: 0 }] })
  t.equal(answer.status, 404)
  t.match((answer.body as Envelope).error, { code: 'stored_image_damaged', param: 'images[0]' })
  t.same(w.damaged, [`acme/${w.acme.id}/0.png`])
})

t.test('referenced images count against UPLOAD_TOTAL_MAX_BYTES before they are read', async (t) => {
  const w = await world(t, { totalMaxBytes: 1024 })
  const answer = await editByReference(w, 'acme', { images: [{ generation_id: w.acme.id, index: 0 }] })
  t.equal(answer.status, 413)
  t.match((answer.body as Envelope).error, { code: 'upload_too_large', param: 'images[0]', message: /UPLOAD_TOTAL_MAX_BYTES/ })
})

t.test('the JSON schema refuses a reference of neither form, naming it', async (t) => {
  const w = await world(t)
  const answer = await editByReference(w, 'acme', { images: [{ generation_id: w.acme.id }] })
  t.equal(answer.status, 400)
  t.match((answer.body as Envelope).error, { code: 'invalid_value', param: /^images\.0/ })
  const none = await editByReference(w, 'acme', { images: [] })
  t.match((none.body as Envelope).error, { code: 'invalid_value', param: 'images' })
})
