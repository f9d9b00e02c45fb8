// The router's one call for every operation: fallback as for generations until a partial image
// has reached the caller, none after; only upstreams (and models) that stream are asked to.
import t, { type Test } from 'tap'
import type { Upstream } from '../../src/upstream/upstream.js'
import { UpstreamRouter } from '../../src/upstream/upstream-router.js'
import { startHostileProvider, type HostileProvider, type ReceivedRequest } from '../helpers/hostile-provider.js'
import { countingEvents, type CountingEvents } from '../helpers/upstreams.js'
import { completedEvent, formFields, formParts, imagesJson, inputImage, partialEvent, png, sendJsonText, startEventStream, upstreamFor } from './provider-fixtures.js'

function routerOver (upstreams: Upstream[], events: CountingEvents, breakerFailures = 1000): UpstreamRouter {
  return new UpstreamRouter({
    upstreams,
    routes: new Map([['*', upstreams.map((upstream) => ({ upstream: upstream.name }))]]),
    breaker: { failures: breakerFailures, cooldownMs: 60_000 },
    events,
    images: { download: { timeoutMs: 5_000, maxBytes: 10_000_000 }, maxPixels: 100_000_000 }
  })
}

async function streamingProvider (t: Test, image: Buffer): Promise<HostileProvider> {
  return await startHostileProvider(t, (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_generation', 0, image))
    response.end(completedEvent('image_generation', image))
  })
}

const streamedGenerate = { operation: 'generate' as const, request: { model: 'gpt-image-1', prompt: 'a boat', size: '64x64' }, partialImages: 1 }

t.test('a stream that fails before any partial falls back to the next upstream, which streams', async (t) => {
  const image = await png(64, 64, '#0a0a0a')
  const first = await startHostileProvider(t, (_request, response) => {
    startEventStream(response)
    response.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'server_error', message: 'overloaded' } })}\n\n`)
  })
  const second = await streamingProvider(t, image)
  const events = countingEvents()
  const router = routerOver([upstreamFor(first, { name: 'first' }), upstreamFor(second, { name: 'second' })], events)
  const seen: string[] = []
  const routed = await router.run({ ...streamedGenerate, onPartial: (partial) => seen.push(partial.b64) }, { deadlineMs: 30_000 })
  t.equal(routed.upstream, 'second')
  t.same(seen, [image.toString('base64')], 'the partials the caller saw are the second provider\'s')
  t.same(routed.images.map((item) => item.bytes), [image])
  t.same(events.fallbacks, [{ from: 'first', to: 'second', reason: 'upstream_error' }])
})

t.test('after one partial was passed on, a failure is final: no fallback, and the breaker counts it', async (t) => {
  const first = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_generation', 0, await png(64, 64)))
    response.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'server_error', message: 'died mid-way' } })}\n\n`)
  })
  const second = await streamingProvider(t, await png(64, 64))
  const events = countingEvents()
  const router = routerOver([upstreamFor(first, { name: 'first' }), upstreamFor(second, { name: 'second' })], events, 1)
  let seen = 0
  const error = await router.run({ ...streamedGenerate, onPartial: () => { seen++ } }, { deadlineMs: 30_000 }).then(() => undefined, (caught: unknown) => caught)
  t.match(error, { code: 'upstream_error' })
  t.equal(seen, 1)
  t.equal(second.received.length, 0, 'the next upstream was never called')
  t.same(events.fallbacks, [])
  t.same(events.breakers, [{ upstream: 'first', state: 'open' }], 'the failure counted against the first upstream')
})

t.test('an upstream with stream: false is called plainly, and the call still succeeds', async (t) => {
  const image = await png(64, 64)
  const provider = await startHostileProvider(t, (_request, response) => sendJsonText(response, imagesJson([image])))
  const router = routerOver([upstreamFor(provider, { name: 'plain', streams: false })], countingEvents())
  let seen = 0
  const routed = await router.run({ ...streamedGenerate, onPartial: () => { seen++ } }, { deadlineMs: 30_000 })
  const body = JSON.parse((provider.received[0] as ReceivedRequest).body) as Record<string, unknown>
  t.equal(body.stream, undefined, 'no stream parameter at all')
  t.notOk('partial_images' in body)
  t.equal(seen, 0)
  t.same(routed.images.map((item) => item.bytes), [image])
})

t.test('a dall-e model is never streamed, even by an upstream that streams', async (t) => {
  const image = await png(64, 64)
  const provider = await startHostileProvider(t, (_request, response) => sendJsonText(response, imagesJson([image])))
  const router = routerOver([upstreamFor(provider, { name: 'streams' })], countingEvents())
  await router.run({ ...streamedGenerate, request: { model: 'dall-e-3', prompt: 'x', size: '64x64' }, onPartial: () => {} }, { deadlineMs: 30_000 })
  const body = JSON.parse((provider.received[0] as ReceivedRequest).body) as Record<string, unknown>
  t.equal(body.stream, undefined, 'no stream parameter at all')
  t.notOk('partial_images' in body)
})

t.test('edits and variations go through the model\'s targets; a size of auto is not compared with the image', async (t) => {
  const image = await png(48, 32)
  const broken = await startHostileProvider(t, (_request, response) => {
    response.writeHead(503, { 'content-type': 'application/json' })
    response.end('{"error":{"message":"down","type":"server_error","param":null,"code":null}}')
  })
  const working = await startHostileProvider(t, (_request, response) => sendJsonText(response, imagesJson([image])))
  const router = routerOver([upstreamFor(broken, { name: 'broken' }), upstreamFor(working, { name: 'working' })], countingEvents())
  const input = inputImage(await png(64, 64), 'image-0.png', { width: 64, height: 64 })
  const edited = await router.run({ operation: 'edit', request: { model: 'gpt-image-1', prompt: 'crop', size: 'auto' }, inputs: { images: [input] } }, { deadlineMs: 30_000 })
  t.equal(edited.upstream, 'working')
  t.same(edited.images.map((item) => [item.facts.width, item.facts.height]), [[48, 32]])
  t.equal((broken.received[0] as ReceivedRequest).path, '/v1/images/edits')
  t.same(formFields(await formParts(working.received[0] as ReceivedRequest)), { model: 'gpt-image-1', prompt: 'crop', size: 'auto' })
  const varied = await router.run({ operation: 'variation', request: { model: 'dall-e-2' }, inputs: { images: [input] } }, { deadlineMs: 30_000 })
  t.equal(varied.upstream, 'working')
  t.equal((working.received[1] as ReceivedRequest).path, '/v1/images/variations')
})

t.test('the deadline ends a stream the provider holds open, partial passed on or not: upstream_deadline, no fallback', async (t) => {
  const holding = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_generation', 0, await png(64, 64)))
  })
  const second = await streamingProvider(t, await png(64, 64))
  const router = routerOver([upstreamFor(holding, { name: 'holding' }), upstreamFor(second, { name: 'second' })], countingEvents())
  let seen = 0
  const error = await router.run({ ...streamedGenerate, onPartial: () => { seen++ } }, { deadlineMs: 500 }).then(() => undefined, (caught: unknown) => caught)
  t.match(error, { code: 'upstream_deadline' })
  t.equal(seen, 1)
  t.equal(second.received.length, 0)
})
