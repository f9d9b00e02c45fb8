// What a provider receives for an edit or a variation: the openai SDK's multipart form, with the
// input images' exact bytes as files under the gateway's own names, the mask, and the request's
// fields; response_format chosen by the gateway as for generations.
import t from 'tap'
import { startHostileProvider, type ReceivedRequest } from '../helpers/hostile-provider.js'
import { formFields, formParts, imagesJson, inputImage, png, sendJsonText, upstreamFor } from './provider-fixtures.js'

t.test('an edit with two images and a mask sends image[] parts with exactly the input bytes, the mask and every field', async (t) => {
  const answerImage = await png(64, 64, '#00ff00')
  const provider = await startHostileProvider(t, (_request, response) => sendJsonText(response, imagesJson([answerImage], { usage: { input_tokens: 10, output_tokens: 20, total_tokens: 30 } })))
  const first = inputImage(await png(64, 64, '#ff0000'), 'image-0.png', { width: 64, height: 64 })
  const second = inputImage(await png(64, 64, '#0000ff'), 'image-1.png', { width: 64, height: 64 })
  const mask = inputImage(await png(64, 64, '#000000', true), 'mask.png', { width: 64, height: 64 }, true)
  const answer = await upstreamFor(provider).call({
    operation: 'edit',
    request: { model: 'gpt-image-1', prompt: 'paint it green', input_fidelity: 'high', background: 'opaque', quality: 'high', size: '1024x1024', n: 1, output_format: 'png', output_compression: 90, user: 'end-user-7', response_format: 'url' },
    inputs: { images: [first, second], mask }
  })
  const received = provider.received[0] as ReceivedRequest
  t.equal(received.path, '/v1/images/edits')
  t.match(received.headers['content-type'], /^multipart\/form-data; boundary=/)
  const parts = await formParts(received)
  t.same(parts.filter((part) => part.fileName !== undefined), [
    { name: 'image[]', value: '', fileName: 'image-0.png', contentType: 'image/png', sha256: first.sha256 },
    { name: 'image[]', value: '', fileName: 'image-1.png', contentType: 'image/png', sha256: second.sha256 },
    { name: 'mask', value: '', fileName: 'mask.png', contentType: 'image/png', sha256: mask.sha256 }
  ], 'the input images and the mask, byte for byte')
  t.same(formFields(parts), {
    model: 'gpt-image-1', prompt: 'paint it green', input_fidelity: 'high', background: 'opaque', quality: 'high', size: '1024x1024', n: '1', output_format: 'png', output_compression: '90', user: 'end-user-7'
  }, 'every field as the request holds it; no response_format for a GPT image model, no stream')
  t.same(answer.images[0]?.bytes, answerImage)
  t.same(answer.usage, { input_tokens: 10, output_tokens: 20, total_tokens: 30 })
})

t.test('an edit with one image sends it as `image`, and dall-e-2 is asked for b64_json under `auto`', async (t) => {
  const provider = await startHostileProvider(t, async (_request, response) => sendJsonText(response, imagesJson([await png(32, 32)])))
  const only = inputImage(await png(32, 32, '#123456'), 'image-0.png', { width: 32, height: 32 })
  await upstreamFor(provider).call({ operation: 'edit', request: { model: 'dall-e-2', prompt: 'a hat', size: '256x256' }, inputs: { images: [only] } })
  const parts = await formParts(provider.received[0] as ReceivedRequest)
  t.same(parts.filter((part) => part.fileName !== undefined).map((part) => [part.name, part.sha256]), [['image', only.sha256]])
  t.same(formFields(parts), { model: 'dall-e-2', prompt: 'a hat', size: '256x256', response_format: 'b64_json' })
})

t.test('a variation sends the image and only the variation fields', async (t) => {
  const answerImage = await png(32, 32, '#abcdef')
  const provider = await startHostileProvider(t, (_request, response) => sendJsonText(response, imagesJson([answerImage, answerImage])))
  const source = inputImage(await png(32, 32, '#fedcba'), 'image-0.png', { width: 32, height: 32 })
  const answer = await upstreamFor(provider).call({
    operation: 'variation',
    request: { model: 'dall-e-2', n: 2, size: '256x256', user: 'end-user-8', response_format: 'url' },
    inputs: { images: [source] }
  })
  const received = provider.received[0] as ReceivedRequest
  t.equal(received.path, '/v1/images/variations')
  const parts = await formParts(received)
  t.same(parts.filter((part) => part.fileName !== undefined), [{ name: 'image', value: '', fileName: 'image-0.png', contentType: 'image/png', sha256: source.sha256 }])
  t.same(formFields(parts), { model: 'dall-e-2', n: '2', size: '256x256', user: 'end-user-8', response_format: 'b64_json' })
  t.equal(answer.images.length, 2)
})

t.test('an upload counts one attempt per request: the SDK\'s FormData check sends no probe through the transport', async (t) => {
  const provider = await startHostileProvider(t, async (_request, response) => sendJsonText(response, imagesJson([await png(16, 16)])))
  let attempts = 0
  const upstream = upstreamFor(provider, { onAttempt: () => { attempts++ } })
  const image = inputImage(await png(16, 16), 'image-0.png', { width: 16, height: 16 })
  await upstream.call({ operation: 'variation', request: { model: 'dall-e-2' }, inputs: { images: [image] } })
  t.equal(attempts, 1)
  t.equal(provider.received.length, 1)
})

t.test('a provider error to an edit is mapped like a generation\'s, the key redacted', async (t) => {
  const provider = await startHostileProvider(t, (_request, response) => {
    const body = JSON.stringify({ error: { message: 'bad image for Authorization: Bearer sk-upstream-secret-0123456789', type: 'invalid_request_error', param: 'image', code: 'invalid_image' } })
    response.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    response.end(body)
  })
  const image = inputImage(await png(16, 16), 'image-0.png', { width: 16, height: 16 })
  const error = await upstreamFor(provider).call({ operation: 'edit', request: { model: 'gpt-image-1', prompt: 'x' }, inputs: { images: [image] } }).catch((caught: unknown) => caught)
  t.match(error, { code: 'upstream_rejected', providerCode: 'invalid_image', param: 'image' })
  t.notMatch((error as Error).message, 'sk-upstream-secret')
})
