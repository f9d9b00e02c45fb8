// The multipart form of an edit or a variation over real HTTP: files and text fields as the SDK
// sends them, fields converted and checked like a JSON body, and each malformed form refused with
// a 400 naming the field.
import t from 'tap'
import { errorOf, postForm } from './form-post.js'
import { startInputApp, type DescribedInputs } from './input-app.js'
import { makeImage } from './test-images.js'

t.test('an edit form as the SDK sends it: images, mask and text fields, converted to their types', async (t) => {
  const app = await startInputApp(t)
  const png = await makeImage('png', { width: 64, height: 48, alpha: true })
  const jpeg = await makeImage('jpeg', { width: 32, height: 32 })
  const answer = await postForm(`${app.url}/edits`, [
    ['image[]', png, 'caller-name.png'],
    ['image[]', jpeg, 'other.jpg'],
    ['mask', png, 'mask.png'],
    ['prompt', 'add a hat'],
    ['n', '2'],
    ['stream', 'true'],
    ['partial_images', '2'],
    ['input_fidelity', 'high'],
    ['output_compression', '80']
  ])
  t.equal(answer.status, 200)
  const inputs = answer.body as DescribedInputs
  t.same(inputs.fields, { prompt: 'add a hat', n: 2, stream: true, partial_images: 2, input_fidelity: 'high', output_compression: 80 })
  t.match(inputs.images, [
    { fileName: 'image-0.png', contentType: 'image/png', extension: 'png', width: 64, height: 48, hasAlpha: true, bytes: png.length },
    { fileName: 'image-1.jpg', contentType: 'image/jpeg', extension: 'jpg', width: 32, height: 32, hasAlpha: false, bytes: jpeg.length }
  ])
  t.match(inputs.mask, { fileName: 'mask.png', hasAlpha: true, width: 64, height: 48 })
  t.equal(inputs.images[0]?.sha256, (await import('node:crypto')).createHash('sha256').update(png).digest('hex'), 'sha256 of the bytes received')
})

t.test('a single image sent as `image` is read the same way', async (t) => {
  const app = await startInputApp(t)
  const answer = await postForm(`${app.url}/edits`, [['prompt', 'p'], ['image', await makeImage('webp')]])
  t.equal(answer.status, 200)
  t.match((answer.body as DescribedInputs).images, [{ fileName: 'image-0.webp', contentType: 'image/webp' }])
})

t.test('a variation form: one image and its text fields', async (t) => {
  const app = await startInputApp(t)
  const answer = await postForm(`${app.url}/variations`, [['image', await makeImage('png')], ['n', '3'], ['size', '256x256'], ['response_format', 'b64_json']])
  t.equal(answer.status, 200)
  t.same((answer.body as DescribedInputs).fields, { n: 3, size: '256x256', response_format: 'b64_json' })
})

const REFUSALS = [
  { name: 'a text field sent twice is a 400 naming it', path: '/edits', extra: [['prompt', 'again']], param: 'prompt', message: /more than once/ },
  { name: 'an unknown text field is a 400 naming it, worded as for JSON', path: '/edits', extra: [['colour', 'red']], param: 'colour', message: /^Unrecognized request argument supplied: colour$/ },
  { name: 'an unknown file field is a 400 naming it', path: '/edits', extra: [['picture', 'FILE']], param: 'picture', message: /Unrecognized file field: picture/ },
  { name: 'a text field sent as a file is a 400 naming it', path: '/edits', extra: [['prompt', 'FILE']], param: 'prompt', message: /must be a text field/ },
  { name: 'a file field sent as text is a 400 naming it', path: '/edits', extra: [['mask', 'not a file']], param: 'mask', message: /must be sent as a file/ },
  { name: 'a second mask is a 400 naming it', path: '/edits', extra: [['mask', 'FILE'], ['mask', 'FILE']], param: 'mask', message: /more than once/ },
  { name: 'a wrong type is a 400 naming the field, worded as for JSON', path: '/edits', extra: [['n', 'two']], param: 'n', message: /^Invalid value for 'n': expected an integer from 1 to 10\.$/ },
  { name: 'a boolean field that is not a boolean is a 400 naming it', path: '/edits', extra: [['stream', 'yes']], param: 'stream', message: /expected a boolean/ },
  { name: 'partial_images above 3 is a 400 naming it', path: '/edits', extra: [['partial_images', '4']], param: 'partial_images', message: /from 0 to 3/ },
  { name: 'a variation size outside 256/512/1024 is a 400 naming it', path: '/variations', extra: [['size', '1536x1024']], param: 'size', message: /expected one of '256x256', '512x512', '1024x1024'/ },
  { name: 'a second image of a variation is a 400 naming it', path: '/variations', extra: [['image', 'FILE']], param: 'image', message: /At most 1 image/ },
  { name: 'a prompt on a variation is an unknown field', path: '/variations', extra: [['prompt', 'p']], param: 'prompt', message: /Unrecognized request argument/ }
] as const

for (const refusal of REFUSALS) {
  t.test(refusal.name, async (t) => {
    const app = await startInputApp(t)
    const png = await makeImage('png')
    const base: Array<[string, string | Buffer]> = refusal.path === '/edits' ? [['prompt', 'p'], ['image', png]] : [['image', png]]
    const extra = refusal.extra.map(([name, value]): [string, string | Buffer] => [name, value === 'FILE' ? png : value])
    const answer = await postForm(`${app.url}${refusal.path}`, [...base, ...extra])
    t.equal(answer.status, 400)
    t.match(errorOf(answer.body), { type: 'invalid_request_error', code: 'invalid_value', param: refusal.param, message: refusal.message })
  })
}

t.test('an edit without a prompt is a 400 naming prompt; one without an image names image', async (t) => {
  const app = await startInputApp(t)
  const noPrompt = await postForm(`${app.url}/edits`, [['image', await makeImage('png')]])
  t.match(errorOf(noPrompt.body), { code: 'invalid_value', param: 'prompt', message: "Missing required parameter: 'prompt'." })
  const noImage = await postForm(`${app.url}/edits`, [['prompt', 'p']])
  t.match(errorOf(noImage.body), { code: 'invalid_value', param: 'image', message: "Missing required parameter: 'image'." })
})

t.test('a request that is not multipart is a 415 naming the content types the endpoint takes', async (t) => {
  const app = await startInputApp(t)
  const response = await fetch(`${app.url}/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"p"}' })
  t.equal(response.status, 415)
  t.match(errorOf(await response.json()), { code: 'multipart_expected', message: 'Content-Type must be multipart/form-data or application/json (inputs by reference).' })
  const variation = await fetch(`${app.url}/variations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.match(errorOf(await variation.json()), { code: 'multipart_expected', message: 'Content-Type must be multipart/form-data.' })
})

t.test('a malformed multipart body is a 400, not a 500', async (t) => {
  const app = await startInputApp(t)
  const response = await fetch(`${app.url}/edits`, {
    method: 'POST',
    headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    body: '--xyz\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nunfinished'
  })
  t.equal(response.status, 400)
  t.match(errorOf(await response.json()), { code: 'invalid_value', message: /^The multipart body is malformed/ })
})
