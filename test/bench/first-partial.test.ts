// The benchmark's time-to-first-partial client: it must find each event's name in a real stream
// however the bytes are cut into chunks, time a real gateway's and the simulator's streams, and
// refuse (not time) a stream that failed or was refused.
import t, { type Test } from 'tap'
import { Pool } from 'undici'
import { EventNameReader, timeFirstPartial, type StreamedRequest } from '../../bench/first-partial.js'
import { startSimulator } from '../../src/simulator/index.js'
import { SIMULATOR_KEY, startTestGateway, TEST_KEY } from '../helpers/gateway.js'

const BODY = JSON.stringify({ prompt: 'first partial', size: '64x64', stream: true, partial_images: 2 })
const EXPECTED = ['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed']

function namesOf (chunks: Buffer[]): string[] {
  const names: string[] = []
  const reader = new EventNameReader((name) => names.push(name))
  for (const chunk of chunks) reader.push(chunk)
  return names
}

function streamedTo (t: Test, url: string, key: string): StreamedRequest {
  const dispatcher = new Pool(new URL(url).origin, { connections: 1 })
  t.teardown(() => dispatcher.close())
  return { url: `${url}/v1/images/generations`, headers: { authorization: `Bearer ${key}` }, body: BODY, prefix: 'image_generation', dispatcher }
}

t.test('event names are read from a real stream however it is cut into chunks', async (t) => {
  const simulator = await startSimulator({ apiKey: SIMULATOR_KEY })
  t.teardown(() => simulator.close())
  const answer = await fetch(`${simulator.url}/v1/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${SIMULATOR_KEY}`, 'content-type': 'application/json' }, body: BODY })
  const bytes = Buffer.from(await answer.arrayBuffer())
  t.same(namesOf([bytes]), EXPECTED, 'in one piece')
  t.same(namesOf([...bytes].map((byte) => Buffer.from([byte]))), EXPECTED, 'one byte at a time')
  const blankLines = [...bytes.toString('latin1').matchAll(/\n\n/g)].map((match) => match.index)
  for (const cut of blankLines.flatMap((index) => [index - 1, index, index + 1, index + 2])) {
    t.same(namesOf([bytes.subarray(0, cut), bytes.subarray(cut)]), EXPECTED, `cut at ${cut}, around a blank line`)
  }
})

t.test('a streamed generation is timed through a real gateway and from the simulator directly', async (t) => {
  const env = await startTestGateway(t, { simulator: { streamGapMs: 20 } })
  for (const [label, streamed] of [['gateway', streamedTo(t, env.url, TEST_KEY)], ['direct', streamedTo(t, env.simulator.url, SIMULATOR_KEY)]] as const) {
    const timing = await timeFirstPartial(streamed)
    t.equal(timing.events, 3, `${label}: two partial images and the completed event were read`)
    t.ok(timing.firstPartialMs > 0 && timing.firstPartialMs <= timing.totalMs, `${label}: the first partial is timed within the whole stream`)
  }
})

t.test('a stream that ends in an error event is refused, not timed', async (t) => {
  const simulator = await startSimulator({ apiKey: SIMULATOR_KEY })
  t.teardown(() => simulator.close())
  simulator.pushFault({ kind: 'stream-error', afterPartials: 1, status: 500 })
  await t.rejects(timeFirstPartial(streamedTo(t, simulator.url, SIMULATOR_KEY)), /got events \[image_generation\.partial_image, error\]/)
})

t.test('a refused request is an error naming its status', async (t) => {
  const simulator = await startSimulator({ apiKey: SIMULATOR_KEY })
  t.teardown(() => simulator.close())
  await t.rejects(timeFirstPartial(streamedTo(t, simulator.url, 'not-the-key')), /HTTP 401/)
})
