import { toFile } from 'openai'
import sharp from 'sharp'
import t from 'tap'
import type { Envelope } from '../helpers/envelope.js'
import { client, decodeB64, form, pixelAt, postForm, sha256, simulatorFor, solidImage } from './fixtures.js'

const GREEN = { r: 20, g: 220, b: 20 }

t.test('a variation through the openai SDK answers PNGs of the asked size derived from the input, one per index', async (t) => {
  const simulator = await simulatorFor(t)
  const input = await solidImage(64, 64, GREEN)
  const answer = await client(simulator).images.createVariation({ image: await toFile(input, 'image-0.png', { type: 'image/png' }), n: 2, size: '256x256', response_format: 'b64_json' })
  t.equal(answer.data?.length, 2)
  const [zero, one] = (answer.data ?? []).map((image) => decodeB64(image.b64_json)) as [Buffer, Buffer]
  const metadata = await sharp(zero).metadata()
  t.same([metadata.format, metadata.width, metadata.height], ['png', 256, 256])
  const [r, g, b] = await pixelAt(zero, 128, 128)
  t.ok(g > r + 100 && g > b + 100, 'the input\'s green shows through')
  t.not((await pixelAt(zero, 128, 128)).join(), (await pixelAt(one, 128, 128)).join(), 'each index differs')
  t.equal(answer.usage, undefined, 'dall-e-2 answers carry no usage')

  t.equal(simulator.stats.variationRequests, 1)
  t.same(simulator.lastInputs.at(-1), {
    operation: 'variation',
    fields: { n: '2', size: '256x256', response_format: 'b64_json' },
    images: [{ sha256: sha256(input), bytes: input.length, contentType: 'image/png', fileName: 'image-0.png' }]
  })
})

t.test('a variation answers URLs when asked, and takes 1024x1024 by default', async (t) => {
  const simulator = await simulatorFor(t)
  const answer = await client(simulator).images.createVariation({ image: await toFile(await solidImage(32, 32, GREEN), 'a.png', { type: 'image/png' }), response_format: 'url' })
  const served = await fetch(answer.data?.[0]?.url as string)
  t.equal(served.status, 200)
  t.equal(served.headers.get('content-type'), 'image/png')
  t.equal((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width, 1024)
})

t.test('bad variations are 400 envelopes naming the parameter', async (t) => {
  const simulator = await simulatorFor(t)
  const square = await solidImage(64, 64, GREEN)
  const cases: Array<[string, FormData, string]> = [
    ['no image', form({ n: '1' }), 'image'],
    ['two images', form({}, [{ field: 'image', bytes: square }, { field: 'image', bytes: square }]), 'image'],
    ['a JPEG', form({}, [{ field: 'image', bytes: await solidImage(64, 64, GREEN, 'jpeg'), type: 'image/jpeg' }]), 'image'],
    ['a non-square PNG', form({}, [{ field: 'image', bytes: await solidImage(64, 48, GREEN) }]), 'image'],
    ['a size dall-e-2 does not make', form({ size: '1536x1024' }, [{ field: 'image', bytes: square }]), 'size'],
    ['n of 0', form({ n: '0' }, [{ field: 'image', bytes: square }]), 'n']
  ]
  for (const [name, body, param] of cases) {
    const response = await postForm(simulator, 'variations', body)
    t.equal(response.status, 400, name)
    t.equal((await response.json() as Envelope).error.param, param, `${name}: param`)
  }
})

t.test('faults apply to variations', async (t) => {
  const simulator = await simulatorFor(t)
  simulator.pushFault({ kind: 'non-image' })
  const answer = await (await postForm(simulator, 'variations', form({ size: '256x256' }, [{ field: 'image', bytes: await solidImage(64, 64, GREEN) }]))).json() as { data: Array<{ b64_json: string }> }
  t.match(decodeB64(answer.data[0]?.b64_json).toString(), /<html>/)
})
