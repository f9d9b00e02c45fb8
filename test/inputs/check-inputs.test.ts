// Every input file is sniffed (PNG, JPEG or WebP, whole, within IMAGE_MAX_PIXELS) and the rules of
// masks, dall-e-2 edits and variations hold, each refusal a 400 naming the field — over real HTTP.
import t, { type Test } from 'tap'
import { errorOf, postForm, type FormEntry } from './form-post.js'
import { startInputApp } from './input-app.js'
import { makeImage, makeLargePng } from './test-images.js'

const FOUR_MIB = 4 * 1024 * 1024

async function edit (t: Test, entries: FormEntry[], options: { maxPixels?: number } = {}) {
  const app = await startInputApp(t, options)
  return await postForm(`${app.url}/edits`, [['prompt', 'p'], ...entries])
}

function refusedAs (t: Test, answer: { status: number, body: unknown }, param: string, message: RegExp): void {
  t.equal(answer.status, 400)
  t.match(errorOf(answer.body), { type: 'invalid_request_error', code: 'invalid_input_image', param, message })
}

t.test('a GIF is refused, naming the field', async (t) => {
  refusedAs(t, await edit(t, [['image', await makeImage('gif')]]), 'image', /is a GIF; input images must be PNG, JPEG or WebP/)
})

t.test('a truncated PNG is refused, naming the field', async (t) => {
  const png = await makeImage('png')
  refusedAs(t, await edit(t, [['image', png.subarray(0, png.length - 20)]]), 'image', /PNG is truncated/)
})

t.test('text sent as an image is refused, naming the field', async (t) => {
  refusedAs(t, await edit(t, [['image', Buffer.from('this is not an image at all')]]), 'image', /not a PNG, JPEG, WebP or GIF image/)
})

t.test('among several images, the bad one is named by its place', async (t) => {
  const png = await makeImage('png')
  refusedAs(t, await edit(t, [['image[]', png], ['image[]', png], ['image[]', Buffer.from('nope')]]), 'image[2]', /'image\[2\]' is not a usable image/)
})

t.test('an image with more pixels than IMAGE_MAX_PIXELS is refused before anything decodes it', async (t) => {
  refusedAs(t, await edit(t, [['image', await makeImage('png', { width: 100, height: 100 })]], { maxPixels: 5000 }), 'image', /10000 pixels\), more than the 5000 allowed \(IMAGE_MAX_PIXELS\)/)
})

t.test('a mask without alpha is refused, naming mask', async (t) => {
  refusedAs(t, await edit(t, [['image', await makeImage('png')], ['mask', await makeImage('png')]]), 'mask', /must have an alpha channel/)
})

t.test('a mask of another size than the first image is refused, naming mask', async (t) => {
  const answer = await edit(t, [['image', await makeImage('png', { width: 64, height: 64 })], ['mask', await makeImage('png', { width: 32, height: 32, alpha: true })]])
  refusedAs(t, answer, 'mask', /the first image's dimensions \(64x64\); it is 32x32/)
})

t.test('a mask that is not a PNG (WebP with alpha) is refused, naming mask', async (t) => {
  refusedAs(t, await edit(t, [['image', await makeImage('png')], ['mask', await makeImage('webp', { alpha: true })]]), 'mask', /must be a PNG; this one is image\/webp/)
})

t.test('a PNG mask with alpha of the first image\'s size is taken, with JPEG and WebP images', async (t) => {
  const answer = await edit(t, [['image[]', await makeImage('jpeg')], ['image[]', await makeImage('webp')], ['mask', await makeImage('png', { alpha: true })]])
  t.equal(answer.status, 200)
})

t.test('GPT image models take 16 images', async (t) => {
  const png = await makeImage('png')
  const answer = await edit(t, Array.from({ length: 16 }, (): FormEntry => ['image[]', png]))
  t.equal(answer.status, 200)
})

t.test('dall-e-2 edits: one square PNG under 4 MB', async (t) => {
  const square = await makeImage('png')
  t.equal((await edit(t, [['model', 'dall-e-2'], ['image', square]])).status, 200, 'one square PNG is taken')
  refusedAs(t, await edit(t, [['model', 'dall-e-2'], ['image[]', square], ['image[]', square]]), 'image', /dall-e-2 edits take exactly one image; 2 were given/)
  refusedAs(t, await edit(t, [['model', 'dall-e-2'], ['image', await makeImage('png', { width: 64, height: 32 })]]), 'image', /take a square image; this one is 64x32/)
  refusedAs(t, await edit(t, [['model', 'dall-e-2'], ['image', await makeImage('jpeg')]]), 'image', /take a PNG; this image is image\/jpeg/)
  const large = await makeLargePng(FOUR_MIB)
  refusedAs(t, await edit(t, [['model', 'dall-e-2'], ['image', large]]), 'image', /under 4 MB \(4194304 bytes\)/)
  t.equal((await edit(t, [['model', 'gpt-image-1'], ['image', large]])).status, 200, 'a GPT image model takes the same large image')
})

t.test('variations: one square PNG under 4 MB, refusals naming image', async (t) => {
  const app = await startInputApp(t)
  t.equal((await postForm(`${app.url}/variations`, [['image', await makeImage('png')]])).status, 200)
  refusedAs(t, await postForm(`${app.url}/variations`, [['image', await makeImage('png', { width: 64, height: 32 })]]), 'image', /Variations take a square image/)
  refusedAs(t, await postForm(`${app.url}/variations`, [['image', await makeImage('webp')]]), 'image', /Variations take a PNG; this image is image\/webp/)
  refusedAs(t, await postForm(`${app.url}/variations`, [['image', await makeLargePng(FOUR_MIB)]]), 'image', /under 4 MB/)
})
