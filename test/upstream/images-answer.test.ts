import t from 'tap'
import { readImagesAnswer } from '../../src/upstream/images-answer.js'

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
const other = Buffer.from('ffd8ffe000104a464946', 'hex')
const read = (text: string) => readImagesAnswer(Buffer.from(text))

t.test('decodes each data item\'s b64_json and leaves the rest of the answer as JSON.parse reads it', async (t) => {
  const answer = { created: 7, data: [{ b64_json: png.toString('base64'), revised_prompt: 'a "quoted" fox' }, { b64_json: other.toString('base64') }], usage: { total_tokens: 3 }, size: '16x16' }
  const { body, imageBytes } = read(JSON.stringify(answer, null, 2))
  t.same(body, { created: 7, data: [{ revised_prompt: 'a "quoted" fox' }, {}], usage: { total_tokens: 3 }, size: '16x16' })
  t.ok(imageBytes[0]?.equals(png))
  t.ok(imageBytes[1]?.equals(other))
})

t.test('items answered with a URL, or with an empty b64_json, have no bytes', async (t) => {
  const { body, imageBytes } = read(JSON.stringify({ created: 1, data: [{ url: 'http://x/1.png' }, { b64_json: '' }, { b64_json: png.toString('base64') }] }))
  t.same(body.data, [{ url: 'http://x/1.png' }, {}, {}])
  t.equal(imageBytes[0], undefined)
  t.equal(imageBytes[1], undefined)
  t.ok(imageBytes[2]?.equals(png))
})

t.test('base64 with escaped slashes decodes to the same bytes as a full parse would', async (t) => {
  const bytes = Buffer.from([0xff, 0xff, 0xff, 0xfe, 0xfb, 0xef])
  const escaped = bytes.toString('base64').replaceAll('/', '\\/')
  t.ok(escaped.includes('\\/'), 'the fixture has escapes')
  t.ok(read(`{"created":1,"data":[{"b64_json":"${escaped}"}]}`).imageBytes[0]?.equals(bytes))
})

t.test('the key\'s text inside another value, or b64_json outside data, is read as JSON.parse reads it', async (t) => {
  const inPrompt = read(JSON.stringify({ created: 1, data: [{ revised_prompt: '"b64_json": "AAAA"', b64_json: png.toString('base64') }] }))
  t.equal(inPrompt.body.data?.[0]?.revised_prompt, '"b64_json": "AAAA"')
  t.ok(inPrompt.imageBytes[0]?.equals(png))
  const outside = read(JSON.stringify({ created: 1, b64_json: 'QUJD', data: [{ b64_json: png.toString('base64') }] }))
  t.equal((outside.body as unknown as { b64_json: string }).b64_json, 'QUJD')
  t.ok(outside.imageBytes[0]?.equals(png))
  t.equal(outside.imageBytes.length, 1)
})

t.test('malformed answers throw SyntaxError, as JSON.parse does', async (t) => {
  t.throws(() => read('{"created": 1, "data": [{"b64_json": "iVBOR'), SyntaxError)
  t.throws(() => read('{"created": 1, "data": [{"b64_json": "iVBOR"}'), SyntaxError)
  t.throws(() => read('<html>busy</html>'), SyntaxError)
})

t.test('large images decode piece by piece to exactly the bytes of a one-string decode, odd base64 included', async (t) => {
  const image = Buffer.alloc(300_001)
  for (let index = 0; index < image.length; index++) image[index] = (index * 7919) % 256
  const plain = image.toString('base64')
  const variants = {
    padded: plain,
    unpadded: plain.replace(/=+$/, ''),
    'url-safe': image.toString('base64url'),
    'with spaces': `${plain.slice(0, 70_000)} ${plain.slice(70_000)}`,
    'with a stray =': `${plain.slice(0, 100_000)}=${plain.slice(100_000)}`
  }
  for (const [name, text] of Object.entries(variants)) {
    const { imageBytes } = read(`{"created":1,"data":[{"b64_json":"${text}"}]}`)
    t.ok(imageBytes[0]?.equals(Buffer.from(text, 'base64')), name)
  }
})
