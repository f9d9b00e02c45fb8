import { toFile } from 'openai'
import sharp from 'sharp'
import t from 'tap'
import type { Envelope } from '../helpers/envelope.js'
import { client, decodeB64, form, leftHalfMask, meanDifference, pixelAt, postForm, sha256, simulatorFor, solidImage } from './fixtures.js'

const RED = { r: 240, g: 20, b: 20 }
const BLUE = { r: 0, g: 0, b: 255 }

const closeTo = (actual: number[], expected: number[], tolerance: number) => actual.every((value, index) => Math.abs(value - (expected[index] as number)) <= tolerance)

const halves = async (image: Buffer) => {
  const { width = 0, height = 0 } = await sharp(image).metadata()
  const half = Math.floor(width / 2)
  // The strip of thumbnails sits along the bottom: compare above it.
  const top = Math.floor(height / 2)
  return {
    left: await sharp(image).extract({ left: 0, top: 0, width: half, height: top }).png().toBuffer(),
    right: await sharp(image).extract({ left: half, top: 0, width: width - half, height: top }).png().toBuffer()
  }
}

t.test('an edit through the openai SDK answers images derived from the inputs: first input tinted per index, others as a strip, the mask area edited', async (t) => {
  const simulator = await simulatorFor(t)
  const first = await solidImage(300, 200, RED)
  const second = await solidImage(100, 100, BLUE, 'jpeg')
  const mask = await leftHalfMask(300, 200)
  const images = async () => [await toFile(first, 'first.png', { type: 'image/png' }), await toFile(second, 'second.jpg', { type: 'image/jpeg' })]
  const masked = await client(simulator).images.edit({ prompt: 'paint the left side', image: await images(), mask: await toFile(mask, 'mask.png', { type: 'image/png' }), n: 2 })
  t.equal(masked.size, '300x200', 'size auto is the first input\'s')
  t.equal(masked.data?.length, 2)
  const [zero, one] = (masked.data ?? []).map((image) => decodeB64(image.b64_json))
  const metadata = await sharp(zero).metadata()
  t.same([metadata.format, metadata.width, metadata.height], ['png', 300, 200])

  t.ok(closeTo(await pixelAt(zero as Buffer, 250, 20), [RED.r, RED.g, RED.b], 60), 'outside the mask: the first input, lightly tinted')
  t.not((await pixelAt(zero as Buffer, 250, 20)).join(), (await pixelAt(one as Buffer, 250, 20)).join(), 'each output index has its own tint')
  t.ok(closeTo(await pixelAt(zero as Buffer, 3, 197), [BLUE.r, BLUE.g, BLUE.b], 40), 'the second input sits in the strip at the bottom left')

  const unmasked = await client(simulator).images.edit({ prompt: 'paint the left side', image: await images() })
  const plain = await halves(decodeB64(unmasked.data?.[0]?.b64_json))
  const edited = await halves(zero as Buffer)
  t.ok(await meanDifference(plain.left, edited.left) > 20, 'the transparent half of the mask is painted over')
  t.ok(await meanDifference(plain.right, edited.right) < 1, 'the opaque half is left as it was')

  t.ok((masked.usage?.input_tokens_details?.image_tokens ?? 0) > 0, 'input image tokens are counted')
  t.equal(masked.usage?.input_tokens, (masked.usage?.input_tokens_details?.text_tokens ?? 0) + (masked.usage?.input_tokens_details?.image_tokens ?? 0))
})

t.test('edits take size, output_format and n like generations; size auto on a large input is clamped', async (t) => {
  const simulator = await simulatorFor(t)
  const answer = await client(simulator).images.edit({ prompt: 'x', image: await toFile(await solidImage(64, 64, RED), 'a.png', { type: 'image/png' }), size: '256x256', output_format: 'webp' })
  const metadata = await sharp(decodeB64(answer.data?.[0]?.b64_json)).metadata()
  t.same([metadata.format, metadata.width, metadata.height], ['webp', 256, 256])
  t.equal(answer.output_format, 'webp')

  const wide = await client(simulator).images.edit({ prompt: 'x', image: await toFile(await solidImage(3000, 1000, RED), 'wide.png', { type: 'image/png' }) })
  t.equal(wide.size, '1536x512', 'the longer side is brought to 1536, the shape kept')
})

t.test('every edit is recorded: text fields as strings, each file\'s sha256, length, type and name; stats count it; reset clears', async (t) => {
  const simulator = await simulatorFor(t)
  const first = await solidImage(32, 32, RED)
  const second = await solidImage(16, 16, BLUE, 'webp')
  const mask = await leftHalfMask(32, 32)
  await client(simulator).images.edit({
    prompt: 'recorded',
    image: [await toFile(first, 'image-0.png', { type: 'image/png' }), await toFile(second, 'image-1.webp', { type: 'image/webp' })],
    mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
    n: 2,
    input_fidelity: 'high',
    user: 'end-user-7'
  })
  t.equal(simulator.stats.editRequests, 1)
  t.equal(simulator.stats.generationRequests, 0)
  const record = simulator.lastInputs.at(-1)
  t.equal(record?.operation, 'edit')
  t.same(record?.fields, { prompt: 'recorded', n: '2', input_fidelity: 'high', user: 'end-user-7' })
  t.same(record?.images, [
    { sha256: sha256(first), bytes: first.length, contentType: 'image/png', fileName: 'image-0.png' },
    { sha256: sha256(second), bytes: second.length, contentType: 'image/webp', fileName: 'image-1.webp' }
  ])
  t.same(record?.mask, { sha256: sha256(mask), bytes: mask.length, contentType: 'image/png', fileName: 'mask.png' })
  t.same(simulator.lastRequestBodies.at(-1), record?.fields, 'the text fields also go to lastRequestBodies')

  // A single file sent as `image` (not `image[]`) is recorded too, even when the edit is refused.
  const refused = await postForm(simulator, 'edits', form({}, [{ field: 'image', bytes: first }]))
  t.equal(refused.status, 400)
  t.equal(simulator.lastInputs.at(-1)?.images[0]?.sha256, sha256(first))

  simulator.reset()
  t.same([simulator.stats.editRequests, simulator.lastInputs.length, simulator.lastRequestBodies.length], [0, 0, 0])
})

t.test('bad edits are 400 envelopes naming the parameter, as OpenAI answers them', async (t) => {
  const simulator = await simulatorFor(t)
  const square = await solidImage(64, 64, RED)
  const oblong = await solidImage(64, 32, RED)
  const image = (bytes = square, type = 'image/png') => ({ field: 'image[]', bytes, type })
  const cases: Array<[string, FormData, string | null]> = [
    ['no prompt', form({}, [image()]), 'prompt'],
    ['no image', form({ prompt: 'x' }), 'image'],
    ['17 images', form({ prompt: 'x' }, Array.from({ length: 17 }, () => image())), 'image'],
    ['an image sent as text', form({ prompt: 'x', image: 'not a file' }), 'image'],
    ['an unsupported mimetype', form({ prompt: 'x' }, [image(square, 'application/octet-stream')]), 'image'],
    ['bytes that are no image', form({ prompt: 'x' }, [image(Buffer.from('not an image at all'))]), 'image'],
    ['dall-e-2 with two images', form({ prompt: 'x', model: 'dall-e-2' }, [image(), image()]), 'image'],
    ['dall-e-2 with a JPEG', form({ prompt: 'x', model: 'dall-e-2' }, [image(await solidImage(64, 64, RED, 'jpeg'), 'image/jpeg')]), 'image'],
    ['dall-e-2 with a non-square PNG', form({ prompt: 'x', model: 'dall-e-2' }, [image(oblong)]), 'image'],
    ['dall-e-2 with a GPT size', form({ prompt: 'x', model: 'dall-e-2', size: '1536x1024' }, [image()]), 'size'],
    ['dall-e-2 over 4 MB', form({ prompt: 'x', model: 'dall-e-2' }, [image(Buffer.concat([square, Buffer.alloc(4 * 1024 * 1024)]))]), 'image'],
    ['a mask of other dimensions', form({ prompt: 'x' }, [image(), { field: 'mask', bytes: await leftHalfMask(32, 32), type: 'image/png' }]), 'mask'],
    ['a JPEG mask', form({ prompt: 'x' }, [image(), { field: 'mask', bytes: await solidImage(64, 64, RED, 'jpeg'), type: 'image/jpeg' }]), 'mask'],
    ['a bad input_fidelity', form({ prompt: 'x', input_fidelity: 'medium' }, [image()]), 'input_fidelity'],
    ['n above 10', form({ prompt: 'x', n: '11' }, [image()]), 'n'],
    ['n not a number', form({ prompt: 'x', n: 'two' }, [image()]), 'n'],
    ['a bad output_format', form({ prompt: 'x', output_format: 'gif' }, [image()]), 'output_format']
  ]
  for (const [name, body, param] of cases) {
    const response = await postForm(simulator, 'edits', body)
    t.equal(response.status, 400, name)
    const envelope = await response.json() as Envelope
    t.equal(envelope.error.param, param, `${name}: param`)
    t.equal(envelope.error.type, 'invalid_request_error', `${name}: type`)
  }
  const json = await fetch(`${simulator.url}/v1/images/edits`, { method: 'POST', headers: { authorization: 'Bearer sim-key', 'content-type': 'application/json' }, body: '{"prompt":"x"}' })
  t.equal(json.status, 400, 'a JSON body is not multipart')
  t.match((await json.json() as Envelope).error.message, /multipart\/form-data/)
  const unauthorised = await postForm(simulator, 'edits', form({ prompt: 'x' }, [image()]), { authorization: 'Bearer wrong' })
  t.equal(unauthorised.status, 401)
})

t.test('faults apply to edits: status, truncated base64, zero images, reset; url answers are served', async (t) => {
  const simulator = await simulatorFor(t)
  const body = async () => form({ prompt: 'x', size: '64x64' }, [{ field: 'image', bytes: await solidImage(64, 64, RED) }])
  simulator.pushFault({ kind: 'status', status: 429, code: 'rate_limit_exceeded', retryAfterSeconds: 2 })
  const limited = await postForm(simulator, 'edits', await body())
  t.equal(limited.status, 429)
  t.equal(limited.headers.get('retry-after'), '2')

  const whole = await (await postForm(simulator, 'edits', await body())).json() as { data: Array<{ b64_json: string }> }
  simulator.pushFault({ kind: 'truncated-base64' })
  const cut = await (await postForm(simulator, 'edits', await body())).json() as { data: Array<{ b64_json: string }> }
  t.ok((whole.data[0]?.b64_json.length ?? 0) > (cut.data[0]?.b64_json.length ?? 0) * 1.5, 'the base64 is cut short')

  const zero = await (await postForm(simulator, 'edits', await body(), { 'x-sim-fault': JSON.stringify({ kind: 'zero-images' }) })).json() as { data: unknown[] }
  t.same(zero.data, [], 'a fault by header applies too')

  simulator.pushFault({ kind: 'reset' })
  await t.rejects(postForm(simulator, 'edits', await body()), 'reset before any answer')

  const byUrl = await (await postForm(simulator, 'edits', form({ prompt: 'x', size: '64x64', response_format: 'url' }, [{ field: 'image', bytes: await solidImage(64, 64, RED) }]))).json() as { data: Array<{ url: string }> }
  const served = await fetch(byUrl.data[0]?.url as string)
  t.equal(served.status, 200)
  t.equal((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width, 64)
  t.equal(simulator.stats.editRequests, 6)
})
