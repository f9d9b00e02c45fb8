import OpenAI, { toFile } from 'openai'
import sharp from 'sharp'
import t from 'tap'
import type { Envelope } from '../helpers/envelope.js'
import { allEvents, client, decodeB64, eventReader, form, meanDifference, postForm, postJson, simulatorFor, solidImage } from './fixtures.js'

t.test('a streamed generation through the openai SDK: partial images, rougher than the final, then the completed image with usage', async (t) => {
  const simulator = await simulatorFor(t)
  const stream = await client(simulator).images.generate({ prompt: 'a fox', size: '256x256', stream: true, partial_images: 2 })
  const events = []
  for await (const event of stream) events.push(event)
  t.same(events.map((event) => event.type), ['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed'])
  const [coarse, fine, completed] = events
  if (coarse?.type !== 'image_generation.partial_image' || fine?.type !== 'image_generation.partial_image' || completed?.type !== 'image_generation.completed') throw new Error('unexpected events')
  t.same([coarse.partial_image_index, fine.partial_image_index], [0, 1])
  for (const event of [coarse, fine, completed]) t.match(event, { output_format: 'png', size: '256x256', quality: 'auto', background: 'opaque', created_at: Number })
  t.ok(completed.usage.total_tokens > 0, 'the completed event carries usage')

  const final = decodeB64(completed.b64_json)
  const plain = await client(simulator).images.generate({ prompt: 'a fox', size: '256x256' })
  t.equal(completed.b64_json, plain.data?.[0]?.b64_json, 'the completed image is the one a plain request gets')
  for (const partial of [coarse, fine]) {
    const bytes = decodeB64(partial.b64_json)
    const metadata = await sharp(bytes).metadata()
    t.same([metadata.format, metadata.width, metadata.height], ['png', 256, 256], 'a valid image of the final size and format')
    t.ok(await meanDifference(bytes, final) > 0, 'not the final image')
    t.ok(await meanDifference(bytes, final, 4) < 16, 'recognisably the same picture')
  }
  t.ok(await meanDifference(decodeB64(fine.b64_json), final) < await meanDifference(decodeB64(coarse.b64_json), final), 'later partials come closer to the final')
})

t.test('the stream is framed event/data/blank line, one image after another, as text/event-stream', async (t) => {
  const simulator = await simulatorFor(t)
  const response = await postJson(simulator, { prompt: 'framing', size: '64x64', n: 2, stream: true, partial_images: 1, output_format: 'jpeg' })
  t.equal(response.status, 200)
  t.match(response.headers.get('content-type'), /^text\/event-stream/)
  const text = await response.text()
  t.ok(text.endsWith('\n\n'))
  const blocks = text.slice(0, -2).split('\n\n')
  t.ok(blocks.every((block) => /^event: [a-z_.]+\ndata: \{.*\}$/.test(block)), 'every block is exactly one event line and one data line')
  const events = blocks.map((block) => ({ event: block.split('\n')[0]?.slice('event: '.length), data: JSON.parse(block.split('\n')[1]?.slice('data: '.length) as string) as { type: string, b64_json: string } }))
  t.same(events.map((event) => event.event), ['image_generation.partial_image', 'image_generation.completed', 'image_generation.partial_image', 'image_generation.completed'])
  t.ok(events.every((event) => event.data.type === event.event), 'data.type names the event')
  t.equal((await sharp(decodeB64(events[0]?.data.b64_json)).metadata()).format, 'jpeg', 'partials come in the output format')
  t.not(events[1]?.data.b64_json, events[3]?.data.b64_json, 'two images')
})

t.test('with partial_images 0 only the completed events come', async (t) => {
  const simulator = await simulatorFor(t)
  const events = await allEvents(await postJson(simulator, { prompt: 'x', size: '64x64', stream: true }))
  t.same(events.map((event) => event.event), ['image_generation.completed'])
})

t.test('a streamed edit through the openai SDK sends image_edit events derived from the input', async (t) => {
  const simulator = await simulatorFor(t)
  const stream = await client(simulator).images.edit({ prompt: 'x', image: await toFile(await solidImage(64, 64, { r: 255, g: 0, b: 0 }), 'a.png', { type: 'image/png' }), stream: true, partial_images: 1, output_format: 'webp' })
  const events = []
  for await (const event of stream) events.push(event)
  t.same(events.map((event) => event.type), ['image_edit.partial_image', 'image_edit.completed'])
  const completed = events[1]
  if (completed?.type !== 'image_edit.completed') throw new Error('no completed event')
  t.equal((await sharp(decodeB64(completed.b64_json)).metadata()).format, 'webp')
  t.ok(completed.usage.input_tokens_details.image_tokens > 0)
  t.same(simulator.lastInputs.at(-1)?.fields, { prompt: 'x', stream: 'true', partial_images: '1', output_format: 'webp' })
})

t.test('each event is sent as it is written: the first arrives while the next waits on the stream gap', async (t) => {
  const simulator = await simulatorFor(t, { streamGapMs: 600_000 })
  const reader = eventReader(await postJson(simulator, { prompt: 'x', size: '64x64', stream: true, partial_images: 3 }))
  t.equal((await reader.next())?.event, 'image_generation.partial_image')
  await reader.cancel()
  simulator.setStreamGap(0)
  const events = await allEvents(await postJson(simulator, { prompt: 'x', size: '64x64', stream: true, partial_images: 3 }))
  t.equal(events.length, 4, 'setStreamGap(0) lets the next stream run straight through')
})

t.test('stream arguments are checked: dall-e models, partial_images range, stream type', async (t) => {
  const simulator = await simulatorFor(t)
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ prompt: 'x', model: 'dall-e-3', stream: true }, 'stream'],
    [{ prompt: 'x', stream: true, partial_images: 4 }, 'partial_images'],
    [{ prompt: 'x', stream: 'yes' }, 'stream']
  ]
  for (const [body, param] of cases) {
    const response = await postJson(simulator, body)
    t.equal(response.status, 400)
    t.equal((await response.json() as Envelope).error.param, param)
  }
  const edit = await postForm(simulator, 'edits', form({ prompt: 'x', model: 'dall-e-2', stream: 'true' }, [{ field: 'image', bytes: await solidImage(64, 64, { r: 1, g: 2, b: 3 }) }]))
  t.equal(edit.status, 400)
  t.equal((await edit.json() as Envelope).error.param, 'stream')
})

t.test('a simulator that ignores stream answers plain JSON; one that rejects it answers 400 naming stream', async (t) => {
  const ignoring = await simulatorFor(t, { streaming: 'ignored' })
  const plain = await postJson(ignoring, { prompt: 'x', size: '64x64', stream: true, partial_images: 2 })
  t.match(plain.headers.get('content-type'), /^application\/json/)
  t.equal((await plain.json() as { data: unknown[] }).data.length, 1)
  const plainEdit = await postForm(ignoring, 'edits', form({ prompt: 'x', size: '64x64', stream: 'true' }, [{ field: 'image', bytes: await solidImage(64, 64, { r: 1, g: 2, b: 3 }) }]))
  t.match(plainEdit.headers.get('content-type'), /^application\/json/)

  const rejecting = await simulatorFor(t, { streaming: 'rejected' })
  const refused = await postJson(rejecting, { prompt: 'x', stream: true })
  t.equal(refused.status, 400)
  t.match(await refused.json() as Envelope, { error: { message: 'Unrecognized request argument supplied: stream', param: 'stream', type: 'invalid_request_error' } })
  t.equal((await postJson(rejecting, { prompt: 'x', size: '64x64' })).status, 200, 'a request without stream is answered')
  const sdkError = await client(rejecting).images.generate({ prompt: 'x', stream: true }).then(() => undefined, (error: unknown) => error)
  t.ok(sdkError instanceof OpenAI.BadRequestError, 'the SDK sees a BadRequestError')
})

t.test('stream-error sends an error event after the given partials, which the SDK throws as an APIError', async (t) => {
  const simulator = await simulatorFor(t)
  simulator.pushFault({ kind: 'stream-error', afterPartials: 1, code: 'server_overloaded', message: 'Overloaded mid-stream.' })
  const events = await allEvents(await postJson(simulator, { prompt: 'x', size: '64x64', stream: true, partial_images: 3 }))
  t.same(events.map((event) => event.event), ['image_generation.partial_image', 'error'])
  t.same(events[1]?.data, { type: 'error', error: { message: 'Overloaded mid-stream.', type: 'server_error', param: null, code: 'server_overloaded' } })

  simulator.pushFault({ kind: 'stream-error', afterPartials: 9 })
  const short = await allEvents(await postJson(simulator, { prompt: 'x', size: '64x64', stream: true, partial_images: 2 }))
  t.same(short.map((event) => event.event), ['image_generation.partial_image', 'image_generation.partial_image', 'error'], 'with fewer partials, the error replaces the last completed event')

  simulator.pushFault({ kind: 'stream-error', afterPartials: 0, code: 'boom' })
  const seen: string[] = []
  const error = await (async () => {
    for await (const event of await client(simulator).images.generate({ prompt: 'x', size: '64x64', stream: true, partial_images: 2 })) seen.push(event.type)
  })().then(() => undefined, (caught: unknown) => caught)
  t.same(seen, [])
  t.ok(error instanceof OpenAI.APIError, 'APIError')
  t.equal((error as InstanceType<typeof OpenAI.APIError>).code, 'boom')
})

t.test('stream-reset breaks the connection after the given partials', async (t) => {
  const simulator = await simulatorFor(t)
  const response = await postJson(simulator, { prompt: 'x', size: '64x64', stream: true, partial_images: 3 }, { 'x-sim-fault': JSON.stringify({ kind: 'stream-reset', afterPartials: 2 }) })
  const reader = eventReader(response)
  t.equal((await reader.next())?.event, 'image_generation.partial_image')
  t.equal((await reader.next())?.event, 'image_generation.partial_image')
  await t.rejects(reader.next(), 'the body breaks off')
})

t.test('stream-stall stops sending but holds the connection until the simulator closes', async (t) => {
  const simulator = await simulatorFor(t)
  const queued = await fetch(`${simulator.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: { kind: 'stream-stall', afterPartials: 1 } }) })
  t.equal(queued.status, 200)
  const reader = eventReader(await postJson(simulator, { prompt: 'x', size: '64x64', stream: true, partial_images: 3 }))
  t.equal((await reader.next())?.event, 'image_generation.partial_image')
  const rest = reader.next().then((event) => ({ event }), (error: unknown) => ({ error }))
  await simulator.close()
  const outcome = await rest
  t.notOk('event' in outcome && outcome.event !== undefined, 'nothing more was sent before the connection ended')
})

t.test('stream faults are checked when queued; plain faults still apply to streamed requests; stream faults leave plain requests alone', async (t) => {
  const simulator = await simulatorFor(t)
  const bad = await fetch(`${simulator.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fault: { kind: 'stream-reset', afterPartials: -1 } }) })
  t.equal(bad.status, 400)

  simulator.pushFault({ kind: 'status', status: 503 })
  const unavailable = await postJson(simulator, { prompt: 'x', stream: true })
  t.equal(unavailable.status, 503, 'a status fault answers before any event')
  t.match(unavailable.headers.get('content-type'), /^application\/json/)

  simulator.pushFault({ kind: 'truncated-base64' })
  const [completed] = await allEvents(await postJson(simulator, { prompt: 'y', size: '128x128', stream: true }))
  const whole = await (await postJson(simulator, { prompt: 'y', size: '128x128' })).json() as { data: Array<{ b64_json: string }> }
  t.ok((whole.data[0]?.b64_json.length ?? 0) > ((completed?.data.b64_json as string).length) * 1.5, 'the completed image is cut short')

  simulator.pushFault({ kind: 'stream-error', afterPartials: 0 })
  t.equal((await postJson(simulator, { prompt: 'x', size: '64x64' })).status, 200)
})

t.test('with cacheAnswers a streamed generation still streams', async (t) => {
  const simulator = await simulatorFor(t, { cacheAnswers: true })
  for (let round = 0; round < 2; round++) {
    const events = await allEvents(await postJson(simulator, { prompt: 'bench', size: '64x64', stream: true, partial_images: 1 }))
    t.same(events.map((event) => event.event), ['image_generation.partial_image', 'image_generation.completed'])
  }
})
