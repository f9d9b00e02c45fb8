// Alpha is read from the headers alone: PNG colour types 4/6 and tRNS, WebP's VP8X flag and VP8L's
// alpha bit; JPEG never.
import t from 'tap'
import { hasAlpha } from '../../src/inputs/image-alpha.js'
import { makeImage, makePaletteWithTransparency } from './test-images.js'

t.test('a PNG with an alpha channel has alpha; an RGB PNG has none', async (t) => {
  t.equal(hasAlpha(await makeImage('png', { alpha: true }), 'png'), true)
  t.equal(hasAlpha(await makeImage('png'), 'png'), false)
})

t.test('a palette PNG with a tRNS chunk has alpha', async (t) => {
  const bytes = await makePaletteWithTransparency()
  t.equal(bytes[25], 3, 'colour type 3 (palette)')
  t.ok(bytes.includes(Buffer.from('tRNS')), 'it carries a tRNS chunk')
  t.equal(hasAlpha(bytes, 'png'), true)
})

t.test('WebP: lossy with alpha (VP8X) and lossless with alpha (VP8L) have alpha; without, none', async (t) => {
  t.equal(hasAlpha(await makeImage('webp', { alpha: true }), 'webp'), true)
  t.equal(hasAlpha(await makeImage('webp', { alpha: true, lossless: true }), 'webp'), true)
  t.equal(hasAlpha(await makeImage('webp'), 'webp'), false)
  t.equal(hasAlpha(await makeImage('webp', { lossless: true }), 'webp'), false)
})

t.test('a JPEG never has alpha', async (t) => {
  t.equal(hasAlpha(await makeImage('jpeg'), 'jpg'), false)
})
