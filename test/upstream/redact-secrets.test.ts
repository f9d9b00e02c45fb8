import t from 'tap'
import { createSecretRedactor, redactedCause } from '../../src/upstream/redact-secrets.js'

t.test('replaces the configured key, Bearer tokens and sk- tokens with [redacted]', async (t) => {
  const redact = createSecretRedactor(['my-upstream-key-123', undefined])
  t.equal(redact('key my-upstream-key-123 twice my-upstream-key-123'), 'key [redacted] twice [redacted]')
  t.equal(redact('Authorization: Bearer abc.def-ghi, next'), 'Authorization: Bearer [redacted], next')
  t.equal(redact('authorization: bearer xyz'), 'authorization: bearer [redacted]')
  t.equal(redact('tried sk-proj-AbC123xyz_0 and sk_live_abcdefgh'), 'tried [redacted] and [redacted]')
  t.equal(redact('a plain message about skies'), 'a plain message about skies')
})

t.test('ignores configured keys too short to be credentials', async (t) => {
  t.equal(createSecretRedactor(['abc'])('abc is fine'), 'abc is fine')
})

t.test('a redacted cause keeps the name and a redacted message, and no chain', async (t) => {
  const original = new TypeError('failed with Bearer sk-secret-token-1', { cause: new Error('https://x/?sig=secret') })
  const cause = redactedCause(original, createSecretRedactor([]))
  t.equal(cause?.name, 'TypeError')
  t.equal(cause?.message, 'failed with Bearer [redacted]')
  t.equal(cause?.cause, undefined)
  t.equal(redactedCause('not an error', createSecretRedactor([])), undefined)
})
