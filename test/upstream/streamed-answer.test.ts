// A streamed provider call: partial images reach onPartial as they arrive, completed events make
// the same answer a plain call gives, and every way a stream can go wrong is a failed call the
// router can judge (bounded: nothing waits for an over-long line or a stream that never ends).
import t from 'tap'
import { GatewayError } from '../../src/errors/gateway-error.js'
import type { PartialImage, UpstreamCall } from '../../src/upstream/upstream.js'
import { startHostileProvider, type ReceivedRequest } from '../helpers/hostile-provider.js'
import {
  completedEvent, formFields, formParts, imagesJson, inputImage, partialEvent, png, sendJsonText, signal, sseEvent, startEventStream, upstreamFor
} from './provider-fixtures.js'

const USAGE = { input_tokens: 50, output_tokens: 4000, total_tokens: 4050, input_tokens_details: { text_tokens: 50, image_tokens: 0 } }

async function failure (promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught)
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`)
  return error
}

function streamedCall (onPartial: (partial: PartialImage) => void, extra: Partial<UpstreamCall> = {}): UpstreamCall {
  return { operation: 'generate', request: { model: 'gpt-image-1', prompt: 'a kite', size: '64x64' }, onPartial, partialImages: 2, ...extra }
}

t.test('partials reach onPartial in order as they arrive, before the call resolves; completed events make the answer', async (t) => {
  const [partial0, partial1, final] = await Promise.all([png(64, 64, '#111111'), png(64, 64, '#222222'), png(64, 64, '#333333')])
  const firstSeen = signal()
  const provider = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_generation', 0, partial0))
    // The stream stays open until the test saw the first partial: only a reader that passes
    // partials on as they arrive gets past this.
    await firstSeen.promise
    response.write(partialEvent('image_generation', 1, partial1))
    response.end(completedEvent('image_generation', final, USAGE))
  })
  const seen: PartialImage[] = []
  let resolved = false
  const call = upstreamFor(provider).call(streamedCall((partial) => {
    t.notOk(resolved, 'a partial arrives before the call resolves')
    seen.push(partial)
    if (seen.length === 1) firstSeen.fire()
  })).then((answer) => { resolved = true; return answer })
  const answer = await call
  t.same(seen.map((partial) => [partial.partialImageIndex, partial.b64]), [[0, partial0.toString('base64')], [1, partial1.toString('base64')]])
  t.same(seen[0]?.described, { size: '64x64', quality: 'low', output_format: 'png', background: 'opaque' })
  t.equal(seen[0]?.createdAt, 1_700_000_001)
  t.same(answer.images.map((image) => image.bytes), [final])
  t.same(answer.described, { size: '64x64', quality: 'high', output_format: 'png', background: 'opaque' })
  t.same(answer.usage, USAGE)
  t.equal(answer.created, 1_700_000_002)
  t.equal(answer.requestId, 'req_stream_1')
  t.match(JSON.parse((provider.received[0] as ReceivedRequest).body), { stream: true, partial_images: 2, model: 'gpt-image-1' })
})

t.test('a streamed edit sends stream and partial_images in its form and reads image_edit events', async (t) => {
  const [partial, first, second] = await Promise.all([png(64, 64, '#444444'), png(64, 64, '#555555'), png(64, 64, '#666666')])
  const provider = await startHostileProvider(t, (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_edit', 0, partial))
    response.write(completedEvent('image_edit', first))
    response.end(completedEvent('image_edit', second, USAGE))
  })
  const seen: number[] = []
  const image = inputImage(await png(64, 64), 'image-0.png', { width: 64, height: 64 })
  const answer = await upstreamFor(provider).call({
    operation: 'edit', request: { model: 'gpt-image-1', prompt: 'edit', n: 2 }, inputs: { images: [image] }, onPartial: (p) => seen.push(p.partialImageIndex), partialImages: 1
  })
  t.same(seen, [0])
  t.same(answer.images.map((item) => item.bytes), [first, second], 'one image per completed event, in order')
  t.same(answer.usage, USAGE, 'usage from the last event that has one')
  t.match(formFields(await formParts(provider.received[0] as ReceivedRequest)), { stream: 'true', partial_images: '1' })
})

t.test('an error event is the error its status would map to, the key redacted', async (t) => {
  const cases = [
    { error: { type: 'server_error', code: null, message: 'boom for Bearer sk-upstream-secret-0123456789', param: null }, code: 'upstream_error' },
    { error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'slow down', param: null }, code: 'upstream_rate_limited' },
    { error: { type: 'invalid_request_error', code: 'moderation_blocked', message: 'no, key sk-upstream-secret-0123456789', param: 'prompt' }, code: 'upstream_rejected', providerCode: 'moderation_blocked' }
  ]
  for (const item of cases) {
    const provider = await startHostileProvider(t, async (_request, response) => {
      startEventStream(response)
      response.write(partialEvent('image_generation', 0, await png(16, 16)))
      response.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: item.error })}\n\n`)
    })
    const error = await failure(upstreamFor(provider).call(streamedCall(() => {})))
    t.equal(error.code, item.code, item.error.type)
    if (item.providerCode !== undefined) t.equal(error.envelopeCode, item.providerCode)
    t.notMatch(JSON.stringify({ message: error.message, cause: String(error.cause) }), 'sk-upstream-secret', 'the key is redacted')
    t.equal(error.providerRequestId, 'req_stream_1')
  }
})

t.test('data with an error object fails the call even without the error event name', async (t) => {
  const provider = await startHostileProvider(t, (_request, response) => {
    startEventStream(response)
    response.end(`data: ${JSON.stringify({ error: { message: 'upstream died', type: 'server_error' } })}\n\n`)
  })
  t.equal((await failure(upstreamFor(provider).call(streamedCall(() => {})))).code, 'upstream_error')
})

t.test('a stream cut off mid-way is a failed call the provider is to blame for', async (t) => {
  const provider = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_generation', 0, await png(16, 16)))
    response.write('event: image_generation.completed\ndata: {"type":"image_generation.comp')
    setImmediate(() => response.socket?.destroy())
  })
  const error = await failure(upstreamFor(provider).call(streamedCall(() => {})))
  t.equal(error.code, 'upstream_malformed_response')
  t.equal(error.status, 502)
})

t.test('a stream that ends without a completed event is a failed call', async (t) => {
  const provider = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    response.end(partialEvent('image_generation', 0, await png(16, 16)))
  })
  const error = await failure(upstreamFor(provider).call(streamedCall(() => {})))
  t.equal(error.code, 'upstream_malformed_response')
  t.match(error.message, 'without a completed image')
})

t.test('an event line longer than an image can be is refused while the provider is still sending it', async (t) => {
  const provider = await startHostileProvider(t, (_request, response) => {
    startEventStream(response)
    // Far past base64 of UPSTREAM_IMAGE_MAX_BYTES plus slack, and the line never ends.
    response.write(`data: {"type":"image_generation.completed","b64_json":"${'A'.repeat(300_000)}`)
  })
  const error = await failure(upstreamFor(provider, { imageMaxBytes: 1024 }).call(streamedCall(() => {})))
  t.equal(error.code, 'upstream_malformed_response')
  t.match(error.message, 'longer than')
})

t.test('a stream longer than UPSTREAM_ANSWER_MAX_BYTES is refused while it is still coming', async (t) => {
  const provider = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    const partial = partialEvent('image_generation', 0, await png(16, 16))
    // Small events, each within its bound, that never stop.
    const pump = (): void => {
      if (response.destroyed) return
      response.write(`: keep-alive\n${partial}`, () => setImmediate(pump))
    }
    pump()
  })
  const error = await failure(upstreamFor(provider, { answerMaxBytes: 64 * 1024 }).call(streamedCall(() => {})))
  t.equal(error.code, 'upstream_answer_too_large')
})

t.test('partial events are checked before they are passed on', async (t) => {
  const image = (await png(16, 16)).toString('base64')
  const cases: Array<[string, Record<string, unknown>]> = [
    ['no index', { b64_json: image }],
    ['a negative index', { partial_image_index: -1, b64_json: image }],
    ['a fractional index', { partial_image_index: 0.5, b64_json: image }],
    ['a huge index', { partial_image_index: 1e9, b64_json: image }],
    ['no image', { partial_image_index: 0 }],
    ['an image that is not a string', { partial_image_index: 0, b64_json: 12 }],
    ['an image that is not base64', { partial_image_index: 0, b64_json: 'not base64!' }]
  ]
  for (const [name, data] of cases) {
    const provider = await startHostileProvider(t, (_request, response) => {
      startEventStream(response)
      response.end(sseEvent('image_generation.partial_image', data))
    })
    let passedOn = 0
    const error = await failure(upstreamFor(provider).call(streamedCall(() => { passedOn++ })))
    t.equal(error.code, 'upstream_malformed_response', name)
    t.equal(passedOn, 0, `${name}: not passed on`)
  }
})

t.test('a partial image larger than UPSTREAM_IMAGE_MAX_BYTES is refused', async (t) => {
  const big = await png(256, 256, '#abcdef', true)
  const provider = await startHostileProvider(t, (_request, response) => {
    startEventStream(response)
    response.end(partialEvent('image_generation', 0, big))
  })
  const error = await failure(upstreamFor(provider, { imageMaxBytes: 1024 }).call(streamedCall(() => {})))
  t.ok(big.length > 1024)
  t.equal(error.code, 'upstream_image_too_large')
})

t.test('a JSON answer to a streamed request is read as a plain answer', async (t) => {
  const image = await png(32, 32)
  const provider = await startHostileProvider(t, (_request, response) => sendJsonText(response, imagesJson([image])))
  let passedOn = 0
  const answer = await upstreamFor(provider).call(streamedCall(() => { passedOn++ }))
  t.same(answer.images.map((item) => item.bytes), [image])
  t.equal(passedOn, 0)
})

t.test('the call\'s signal aborts a stream the provider holds open', async (t) => {
  const controller = new AbortController()
  const provider = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_generation', 0, await png(16, 16)))
    // ...and nothing more, ever.
  })
  const error = await upstreamFor(provider).call(streamedCall(() => controller.abort(), { signal: controller.signal })).then(() => undefined, (caught: unknown) => caught)
  t.ok(error instanceof Error, 'the call fails instead of waiting for the provider')
  t.ok(controller.signal.aborted)
})

t.test('an error thrown by onPartial is passed on as it is, not blamed on the provider', async (t) => {
  const provider = await startHostileProvider(t, async (_request, response) => {
    startEventStream(response)
    response.write(partialEvent('image_generation', 0, await png(16, 16)))
  })
  const gone = new GatewayError('client_closed_request')
  const error = await upstreamFor(provider).call(streamedCall(() => { throw gone })).then(() => undefined, (caught: unknown) => caught)
  t.equal(error, gone)
})
