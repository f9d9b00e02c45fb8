// The bounded event reader: the format's line endings (also split across chunks), comments,
// multi-line data, and its bounds, whatever the chunking.
import t from 'tap'
import { EventStreamTooLongError, serverSentEvents, type ServerSentEvent } from '../../src/upstream/server-sent-events.js'

async function * chunksOf (...pieces: string[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield Buffer.from(piece)
}

async function read (pieces: string[], bounds = { eventMaxBytes: 1024, streamMaxBytes: 1 << 20 }): Promise<Array<{ event?: string, data: string }>> {
  const events: ServerSentEvent[] = []
  for await (const event of serverSentEvents(chunksOf(...pieces), bounds)) events.push(event)
  return events.map((event) => ({ ...event, data: event.data.toString('utf8') }))
}

const STREAM = '\uFEFFevent: a\ndata: one\n\n: keep-alive\r\nevent:b\r\ndata: two\r\ndata:three\r\n\r\nid: 7\rdata: four\r\rdata: five'

t.test('LF, CRLF and CR endings, comments, multi-line data, a byte order mark and a last event without its blank line', async (t) => {
  const expected = [{ event: 'a', data: 'one' }, { event: 'b', data: 'two\nthree' }, { data: 'four' }, { data: 'five' }]
  t.same(await read([STREAM]), expected, 'in one chunk')
  t.same(await read([...STREAM]), expected, 'one character per chunk (a CRLF split across chunks is one ending)')
})

t.test('an event or a line past eventMaxBytes, and a stream past streamMaxBytes, are refused', async (t) => {
  await t.rejects(read([`data: ${'x'.repeat(2000)}`]), new EventStreamTooLongError('event', 1024), 'an unfinished line')
  await t.rejects(read(['data: ', 'x'.repeat(600), 'x'.repeat(600), '\n\n']), new EventStreamTooLongError('event', 1024), 'a line over several chunks')
  await t.rejects(read([`data: ${'x'.repeat(600)}\ndata: ${'x'.repeat(600)}\n\n`]), new EventStreamTooLongError('event', 1024), 'data lines that add up')
  await t.rejects(read(Array.from({ length: 100 }, () => 'data: x\n\n'), { eventMaxBytes: 1024, streamMaxBytes: 500 }), new EventStreamTooLongError('stream', 500))
})
