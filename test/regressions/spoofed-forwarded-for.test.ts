// Issue 13 item 1: the failed-auth throttle believed any X-Forwarded-For (trustProxy: true was hard-
// coded). 300 wrong keys with a fresh X-Forwarded-For each all got 401, never 429; 21 wrong keys
// sent "from" a victim's address locked the victim's valid key out. Now TRUST_PROXY decides whose
// X-Forwarded-For counts: nobody's by default, or the proxies it names.
import http from 'node:http'
import t, { type Test } from 'tap'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'
import type { Envelope } from '../helpers/envelope.js'

interface Attempt { key: string, forwardedFor?: string, from?: string }

const MAX_FAILURES = 5
const WRONG_KEY = 'igw_wrong_key_0123456789'

// node:http rather than fetch: a test needs to choose the source address (any 127.x works on Linux).
async function generate (url: string, attempt: Attempt): Promise<{ status: number, code: string | null }> {
  const body = JSON.stringify({ prompt: 'who am I' })
  const headers: Record<string, string> = { authorization: `Bearer ${attempt.key}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
  if (attempt.forwardedFor !== undefined) headers['x-forwarded-for'] = attempt.forwardedFor
  return await new Promise((resolve, reject) => {
    const request = http.request(`${url}/generate`, { method: 'POST', headers, agent: false, localAddress: attempt.from }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: response.statusCode ?? 0, code: response.statusCode === 200 ? null : (JSON.parse(text) as Envelope).error.code })
      })
    })
    request.on('error', reject)
    request.end(body)
  })
}

async function failTimes (t: Test, url: string, attempts: (index: number) => Attempt): Promise<void> {
  for (let index = 0; index < MAX_FAILURES; index++) {
    const answer = await generate(url, attempts(index))
    t.equal(answer.status, 401, `wrong key ${index + 1} of ${MAX_FAILURES} is a 401`)
  }
}

const settings = (extra: Record<string, string> = {}) => ({ env: { AUTH_FAILURES_MAX: String(MAX_FAILURES), AUTH_FAILURES_WINDOW: '1 hour', ...extra } })

t.test('without TRUST_PROXY, wrong keys with a fresh X-Forwarded-For each are still throttled by the socket address', async (t) => {
  const env = await startTestGateway(t, settings())
  await failTimes(t, env.url, (index) => ({ key: WRONG_KEY, forwardedFor: `203.0.113.${index + 1}` }))
  const next = await generate(env.url, { key: WRONG_KEY, forwardedFor: '203.0.113.99' })
  t.same(next, { status: 429, code: 'too_many_failed_authentications' })
  t.equal(env.simulator.stats.generationRequests, 0)
})

t.test('without TRUST_PROXY, wrong keys sent in a victim\'s name do not lock the victim out', async (t) => {
  const env = await startTestGateway(t, settings())
  await failTimes(t, env.url, () => ({ key: WRONG_KEY, forwardedFor: '127.0.0.2', from: '127.0.0.1' }))
  t.same(await generate(env.url, { key: WRONG_KEY, from: '127.0.0.1' }), { status: 429, code: 'too_many_failed_authentications' }, 'the attacker\'s own address is throttled')
  t.same(await generate(env.url, { key: TEST_KEY, from: '127.0.0.2' }), { status: 200, code: null }, 'the victim\'s valid key still works')
})

t.test('with TRUST_PROXY=1, the address the proxy appended is throttled, whatever the client put before it', async (t) => {
  const env = await startTestGateway(t, settings({ TRUST_PROXY: '1' }))
  // As nginx's $proxy_add_x_forwarded_for sends it: the client's own header, then the address nginx saw.
  await failTimes(t, env.url, (index) => ({ key: WRONG_KEY, forwardedFor: `10.9.9.${index + 1}, 198.51.100.7` }))
  t.same(await generate(env.url, { key: WRONG_KEY, forwardedFor: '10.9.9.99, 198.51.100.7' }), { status: 429, code: 'too_many_failed_authentications' }, 'a rotating left-most entry does not dodge the throttle')
  t.same(await generate(env.url, { key: TEST_KEY, forwardedFor: '198.51.100.7' }), { status: 429, code: 'too_many_failed_authentications' }, 'the throttled client stays throttled')
  t.same(await generate(env.url, { key: WRONG_KEY, forwardedFor: '198.51.100.8' }), { status: 401, code: 'invalid_api_key' }, 'another client behind the same proxy is counted apart')
})

t.test('with TRUST_PROXY=1, a spoofed left-most entry does not lock out the address it names', async (t) => {
  const env = await startTestGateway(t, settings({ TRUST_PROXY: '1' }))
  await failTimes(t, env.url, () => ({ key: WRONG_KEY, forwardedFor: '198.51.100.20, 198.51.100.21' }))
  t.same(await generate(env.url, { key: TEST_KEY, forwardedFor: '198.51.100.20' }), { status: 200, code: null }, 'the named victim is not locked out')
  t.same(await generate(env.url, { key: TEST_KEY, forwardedFor: '198.51.100.21' }), { status: 429, code: 'too_many_failed_authentications' }, 'the real sender is')
})

t.test('with TRUST_PROXY naming the proxy\'s address, X-Forwarded-For from any other peer is ignored', async (t) => {
  const env = await startTestGateway(t, settings({ TRUST_PROXY: '127.0.0.1/32' }))
  await failTimes(t, env.url, (index) => ({ key: WRONG_KEY, forwardedFor: `203.0.113.${index + 1}`, from: '127.0.0.2' }))
  t.same(await generate(env.url, { key: WRONG_KEY, forwardedFor: '203.0.113.99', from: '127.0.0.2' }), { status: 429, code: 'too_many_failed_authentications' }, 'an untrusted peer is throttled by its own address')
  t.same(await generate(env.url, { key: TEST_KEY, forwardedFor: 'spoofed, 198.51.100.30', from: '127.0.0.1' }), { status: 200, code: null }, 'through the trusted proxy, the address it appended counts')
})
