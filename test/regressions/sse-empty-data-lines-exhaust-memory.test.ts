// Regression: the provider-stream reader charged an empty `data` line one byte against the event
// bound, but held each line as its own Buffer (≈70 bytes of heap, more when joined): a provider
// sending "data\n" over and over, with no blank line, passed every bound while the gateway's heap
// grew ~100× faster than the bytes received (a 70 MB stream ran the process out of memory). Each
// data line now costs a fixed overhead too, so an event's memory stays within a small multiple of
// its bound.
import t from 'tap'
import { EventStreamTooLongError, serverSentEvents } from '../../src/upstream/server-sent-events.js'

async function * emptyDataLines (lines: number): AsyncGenerator<Uint8Array> {
  const chunk = Buffer.from('data\n'.repeat(8192))
  for (let sent = 0; sent < lines; sent += 8192) yield chunk
}

t.test('a stream of empty data lines is refused once its lines cost more than the event bound', async (t) => {
  const eventMaxBytes = 1 << 20
  // A million lines: 1 MB of bytes, under the old per-byte charge, but a million held Buffers.
  const reading = (async () => {
    const events = serverSentEvents(emptyDataLines(1_000_000), { eventMaxBytes, streamMaxBytes: 256 << 20 })
    const first = await events.next()
    t.fail(`no event ever ends, yet one came: ${JSON.stringify(first)}`)
  })()
  await t.rejects(reading, EventStreamTooLongError)
})

t.test('multi-line data is still joined with LF', async (t) => {
  async function * chunks (): AsyncGenerator<Uint8Array> { yield Buffer.from('data: a\ndata:\ndata: c\n\n') }
  const events = []
  for await (const event of serverSentEvents(chunks(), { eventMaxBytes: 1024, streamMaxBytes: 1 << 20 })) events.push(event.data.toString('utf8'))
  t.same(events, ['a\n\nc'])
})
