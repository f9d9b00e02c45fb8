import sharp from 'sharp'
import t from 'tap'
import { inspectImage, NotAnImageError } from '../../src/images/inspect-image.js'

const make = (format: 'png' | 'jpeg' | 'webp' | 'gif') =>
  sharp({ create: { width: 40, height: 24, channels: 3, background: '#3366aa' } }).toFormat(format).toBuffer()

t.test('recognises PNG, JPEG, WebP and GIF by their bytes with their dimensions', async (t) => {
  const expected = { png: ['image/png', 'png'], jpeg: ['image/jpeg', 'jpg'], webp: ['image/webp', 'webp'], gif: ['image/gif', 'gif'] } as const
  for (const format of ['png', 'jpeg', 'webp', 'gif'] as const) {
    const facts = inspectImage(await make(format))
    t.same(facts, { contentType: expected[format][0], extension: expected[format][1], width: 40, height: 24 }, format)
  }
})

t.test('rejects truncated images of every type', async (t) => {
  for (const format of ['png', 'jpeg', 'webp', 'gif'] as const) {
    const bytes = await make(format)
    t.throws(() => inspectImage(bytes.subarray(0, Math.floor(bytes.length * 0.6))), NotAnImageError, `${format} cut short`)
  }
})

t.test('rejects bytes that are not an image', async (t) => {
  for (const bytes of [Buffer.from('<html>error</html>'), Buffer.alloc(0), Buffer.from([0x89, 0x50])]) {
    t.throws(() => inspectImage(bytes), NotAnImageError)
  }
})
