// The edit-4-inputs scenario's request and floor: the upload must be four real images of about the
// asked size that a real gateway accepts as an edit and forwards byte for byte, and the floor must
// be measured over that very upload and the simulator's answer to it, every part of it.
import { createHash } from 'node:crypto'
import sharp from 'sharp'
import t from 'tap'
import { makeEditUpload } from '../../bench/edit-upload.js'
import { prepareEdit } from '../../bench/prepare-edit.js'
import { SCENARIOS, SIMULATOR_KEY as BENCH_SIMULATOR_KEY } from '../../bench/scenarios.js'
import { startSimulator } from '../../src/simulator/index.js'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

t.test('four noise inputs of about 1.5 MB, PNG and JPEG, that a real gateway takes as an edit and forwards unchanged', async (t) => {
  const upload = await makeEditUpload({ prompt: 'bench edit' }, 4, 1_500_000)
  t.equal(upload.images.length, 4)
  const formats = []
  for (const image of upload.images) {
    t.ok(Math.abs(image.bytes.length - 1_500_000) < 150_000, `${image.fileName}: ${image.bytes.length} bytes, within 10% of 1.5 MB`)
    formats.push((await sharp(image.bytes).metadata()).format)
  }
  t.same(formats, ['png', 'jpeg', 'png', 'jpeg'])

  const env = await startTestGateway(t)
  const answer = await fetch(`${env.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': upload.contentType }, body: new Uint8Array(upload.body) })
  t.equal(answer.status, 200, 'the gateway answered the edit')
  const received = env.simulator.lastInputs.at(-1)
  t.same(received?.images.map((image) => image.sha256), upload.images.map((image) => sha256(image.bytes)), 'the provider received the four inputs byte for byte')
})

t.test('the edit floor is measured in its own process over the upload and the simulator\'s answer, part by part', async (t) => {
  const scenario = SCENARIOS.find((candidate) => candidate.name === 'edit-4-inputs')
  if (scenario === undefined) throw new Error('no edit-4-inputs scenario')
  const simulator = await startSimulator({ apiKey: BENCH_SIMULATOR_KEY, imageKind: 'noise' })
  t.teardown(() => simulator.close())
  const prepared = await prepareEdit(scenario, simulator.url, await makeDataDir(t), 2)
  t.ok(Buffer.isBuffer(prepared.scenario.body), 'the scenario now sends the upload')
  t.match(prepared.scenario.contentType, /^multipart\/form-data; boundary=/)
  const { floor } = prepared
  t.equal(floor.inputs, 4, 'the child parsed four files out of the upload')
  t.equal(floor.uploadBytes, (prepared.scenario.body as Buffer).length)
  t.ok(floor.outputBytes > 0, 'the answer held an image')
  for (const [part, ms] of Object.entries(floor.parts)) t.ok(ms > 0, `${part} used CPU`)
  const { parseMs, sha256Ms, storeInputsMs, forwardMs, outputMs } = floor.parts
  t.equal(floor.inputsCpuMs, parseMs + sha256Ms + storeInputsMs + forwardMs)
  t.equal(floor.cpuMsPerRequest, floor.inputsCpuMs + outputMs)
})
