import OpenAI from 'openai'
import sharp from 'sharp'
import t from 'tap'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js'
import type { Envelope } from '../helpers/envelope.js'

async function simulatorFor (t: { teardown(fn: () => unknown): void }, options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await startSimulator({ apiKey: 'sim-key', ...options })
  t.teardown(() => simulator.close())
  return simulator
}

const post = (simulator: Simulator, body: unknown, headers: Record<string, string> = {}) => fetch(`${simulator.url}/v1/images/generations`, {
  method: 'POST',
  headers: { authorization: 'Bearer sim-key', 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body)
})

const client = (simulator: Simulator) => new OpenAI({ baseURL: `${simulator.url}/v1`, apiKey: 'sim-key', maxRetries: 0 })

t.test('answers real PNG, JPEG and WebP of exactly the asked size through the openai SDK', async (t) => {
  const simulator = await simulatorFor(t)
  for (const [format, size] of [['png', '1024x1792'], ['jpeg', '1792x1024'], ['webp', '320x240']] as const) {
    const answer = await client(simulator).images.generate({ prompt: 'a fox', size, output_format: format })
    const bytes = Buffer.from(answer.data?.[0]?.b64_json as string, 'base64')
    const metadata = await sharp(bytes).metadata()
    t.equal(metadata.format, format)
    t.equal(`${metadata.width}x${metadata.height}`, size)
    t.match(answer.data?.[0]?.revised_prompt, /a fox/)
    t.ok(answer.usage?.total_tokens, 'usage block')
    t.type(answer.created, 'number')
  }
})

t.test('images are deterministic from the prompt and differ between prompts and indexes', async (t) => {
  const simulator = await simulatorFor(t)
  const make = async (prompt: string, n = 1) => ((await client(simulator).images.generate({ prompt, n, size: '256x256' })).data ?? []).map((image) => image.b64_json)
  const [a1, a2] = await make('same prompt', 2)
  const [again] = await make('same prompt')
  const [other] = await make('other prompt')
  t.equal(a1, again, 'same prompt and index → same bytes')
  t.not(a1, a2, 'different index → different image')
  t.not(a1, other, 'different prompt → different image')
})

t.test('noise images barely compress, pattern images do', async (t) => {
  const noise = await simulatorFor(t, { imageKind: 'noise' })
  const pattern = await simulatorFor(t)
  const sizeOf = async (simulator: Simulator) => Buffer.from((await client(simulator).images.generate({ prompt: 'x', size: '512x512' })).data?.[0]?.b64_json as string, 'base64').length
  t.ok(await sizeOf(noise) > 512 * 512 * 3 * 0.95, 'noise PNG is about its raw size')
  t.ok(await sizeOf(pattern) < 512 * 512 * 3 * 0.5, 'pattern PNG compresses')
})

t.test('url mode serves the image until the TTL passes, then 404', async (t) => {
  let skewMs = 0
  const simulator = await simulatorFor(t, { urlTtlMs: 60_000, now: () => Date.now() + skewMs })
  const answer = await client(simulator).images.generate({ prompt: 'url', response_format: 'url', size: '256x256' })
  const url = answer.data?.[0]?.url as string
  t.ok(url.startsWith(`${simulator.url}/files/`))
  const fresh = await fetch(url)
  t.equal(fresh.status, 200)
  t.equal(fresh.headers.get('content-type'), 'image/png')
  t.equal((await sharp(Buffer.from(await fresh.arrayBuffer())).metadata()).width, 256)
  skewMs = 59_000
  t.equal((await fetch(url)).status, 200, 'still served just before the TTL')
  skewMs = 60_001
  const expired = await fetch(url)
  t.equal(expired.status, 404)
  t.equal((await expired.json() as Envelope).error.code, 'not_found')
})

t.test('expireUrlsNow makes every issued URL 404', async (t) => {
  const simulator = await simulatorFor(t)
  const answer = await client(simulator).images.generate({ prompt: 'url', response_format: 'url', size: '64x64' })
  simulator.expireUrlsNow()
  t.equal((await fetch(answer.data?.[0]?.url as string)).status, 404)
})

t.test('a wrong or missing key is a 401 envelope, which the SDK reads as AuthenticationError', async (t) => {
  const simulator = await simulatorFor(t)
  const response = await post(simulator, { prompt: 'x' }, { authorization: 'Bearer wrong' })
  t.equal(response.status, 401)
  t.equal((await response.json() as Envelope).error.code, 'invalid_api_key')
  const error = await new OpenAI({ baseURL: `${simulator.url}/v1`, apiKey: 'wrong', maxRetries: 0 }).images.generate({ prompt: 'x' }).then(() => undefined, (caught: unknown) => caught)
  t.ok(error instanceof OpenAI.AuthenticationError, 'AuthenticationError')
})

t.test('bad input is a 400 envelope naming the parameter', async (t) => {
  const simulator = await simulatorFor(t)
  const cases: Array<[unknown, string | null]> = [[{}, 'prompt'], [{ prompt: 'x', n: 11 }, 'n'], [{ prompt: 'x', size: 'huge' }, 'size'], [{ prompt: 'x', output_format: 'bmp' }, 'output_format'], ['{not json', null]]
  for (const [body, param] of cases) {
    const response = await post(simulator, body)
    t.equal(response.status, 400)
    t.equal((await response.json() as Envelope).error.param, param)
  }
})

t.test('status faults answer that status with the envelope and retry headers', async (t) => {
  const simulator = await simulatorFor(t)
  simulator.pushFault({ kind: 'status', status: 429, retryAfterSeconds: 3, retryAfterMs: 2500, code: 'rate_limit_exceeded' })
  const limited = await post(simulator, { prompt: 'x' })
  t.equal(limited.status, 429)
  t.equal(limited.headers.get('retry-after'), '3')
  t.equal(limited.headers.get('retry-after-ms'), '2500')
  t.equal((await limited.json() as Envelope).error.code, 'rate_limit_exceeded')
  t.equal((await post(simulator, { prompt: 'x', size: '64x64' })).status, 200, 'a pushed fault applies once')
})

t.test('faults can be queued several times, set as default, sent by header or by HTTP', async (t) => {
  const simulator = await simulatorFor(t)
  simulator.pushFault({ kind: 'status', status: 503 }, 2)
  t.same([(await post(simulator, { prompt: 'x' })).status, (await post(simulator, { prompt: 'x' })).status], [503, 503])
  simulator.setDefaultFault({ kind: 'status', status: 500 })
  t.equal((await post(simulator, { prompt: 'x' })).status, 500)
  simulator.setDefaultFault(undefined)
  t.equal((await post(simulator, { prompt: 'x', size: '64x64' }, { 'x-sim-fault': JSON.stringify({ kind: 'status', status: 502 }) })).status, 502)
  const queued = await fetch(`${simulator.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: { kind: 'status', status: 504 }, times: 1 }) })
  t.equal(queued.status, 200)
  t.equal((await post(simulator, { prompt: 'x' })).status, 504)
  const stats = await (await fetch(`${simulator.url}/_sim/stats`)).json() as { generationRequests: number }
  t.equal(stats.generationRequests, 5)
  t.equal(simulator.stats.generationRequests, 5)
})

t.test('malformed JSON, truncated base64, non-image and zero-image answers are what they say', async (t) => {
  const simulator = await simulatorFor(t)
  simulator.pushFault({ kind: 'malformed-json' })
  const malformed = await post(simulator, { prompt: 'x' })
  t.equal(malformed.status, 200)
  await t.rejects(malformed.json(), SyntaxError)

  const whole = await (await post(simulator, { prompt: 'y', size: '128x128' })).json() as { data: Array<{ b64_json: string }> }
  simulator.pushFault({ kind: 'truncated-base64' })
  const cut = await (await post(simulator, { prompt: 'y', size: '128x128' })).json() as { data: Array<{ b64_json: string }> }
  t.ok((whole.data[0]?.b64_json.length ?? 0) > (cut.data[0]?.b64_json.length ?? 0) * 1.5, 'the base64 is cut short')

  simulator.pushFault({ kind: 'non-image' })
  const html = await (await post(simulator, { prompt: 'z' })).json() as { data: Array<{ b64_json: string }> }
  t.match(Buffer.from(html.data[0]?.b64_json as string, 'base64').toString(), /<html>/)

  simulator.pushFault({ kind: 'zero-images' })
  t.same((await (await post(simulator, { prompt: 'z' })).json() as { data: unknown[] }).data, [])
})

t.test('with cacheAnswers, a repeated request gets the same answer bytes, and faults still apply', async (t) => {
  const simulator = await simulatorFor(t, { cacheAnswers: true })
  const body = { prompt: 'cached', size: '64x64' }
  const first = await (await post(simulator, body)).text()
  const second = await (await post(simulator, body)).text()
  const firstAnswer = JSON.parse(first) as { created: number, data: Array<{ b64_json: string }> }
  if (firstAnswer.created === (JSON.parse(second) as { created: number }).created) t.equal(second, first, 'same second, same body')
  t.equal((await sharp(Buffer.from(firstAnswer.data[0]?.b64_json as string, 'base64')).metadata()).width, 64)
  simulator.pushFault({ kind: 'truncated-base64' })
  const cut = await (await post(simulator, body)).json() as { data: Array<{ b64_json: string }> }
  t.ok((firstAnswer.data[0]?.b64_json.length ?? 0) > (cut.data[0]?.b64_json.length ?? 0) * 1.5, 'a fault is not served from the cache')
  const other = await (await post(simulator, { prompt: 'another', size: '64x64' })).json() as { data: Array<{ b64_json: string }> }
  t.not(other.data[0]?.b64_json, firstAnswer.data[0]?.b64_json, 'another body, another answer')
  t.equal(simulator.stats.generationRequests, 4, 'cached answers still count as requests')
})

t.test('url-404 answers URLs that do not exist', async (t) => {
  const simulator = await simulatorFor(t)
  simulator.pushFault({ kind: 'url-404' })
  const answer = await (await post(simulator, { prompt: 'x', size: '64x64' })).json() as { data: Array<{ url: string }> }
  t.equal((await fetch(answer.data[0]?.url as string)).status, 404)
})

t.test('reset and reset-mid-body break the connection; slow-body and delay take their time', async (t) => {
  const simulator = await simulatorFor(t)
  simulator.pushFault({ kind: 'reset' })
  await t.rejects(post(simulator, { prompt: 'x' }), 'reset before any answer')
  simulator.pushFault({ kind: 'reset-mid-body' })
  const partial = await post(simulator, { prompt: 'x', size: '64x64' })
  t.equal(partial.status, 200)
  await t.rejects(partial.text(), 'the body breaks off')

  simulator.pushFault({ kind: 'slow-body', chunkDelayMs: 10 })
  let startedAt = Date.now()
  const slow = await post(simulator, { prompt: 'x', size: '64x64' })
  await slow.json()
  t.ok(Date.now() - startedAt >= 300, 'the body dribbles in')

  simulator.pushFault({ kind: 'delay', ms: 300 })
  startedAt = Date.now()
  t.equal((await post(simulator, { prompt: 'x', size: '64x64' })).status, 200)
  t.ok(Date.now() - startedAt >= 290)
})

t.test('close() does not wait for a request that is still being delayed', async (t) => {
  const simulator = await startSimulator()
  simulator.pushFault({ kind: 'delay', ms: 60_000 })
  const hanging = post(simulator, { prompt: 'x' }).catch((error: unknown) => error)
  await new Promise((resolve) => setTimeout(resolve, 100))
  const startedAt = Date.now()
  await simulator.close()
  t.ok(Date.now() - startedAt < 2000)
  t.type(await hanging, Error, 'the hanging request fails instead of hanging')
})
