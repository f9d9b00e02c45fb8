// A bounded reader of server-sent events (the text/event-stream format) over raw bytes. A provider
// streams images as base64 in one `data:` line each, so the reader holds at most one event in
// memory, and refuses an event or a whole stream longer than its bounds as soon as it counts past
// them, before the bytes pile up. Event data stays bytes: the caller decides what to decode.
// (eventsource-parser was considered: its bound is on a string buffer, and its current major
// needs Node 22.)

export interface ServerSentEvent {
  /** The `event:` field, when the event had one. */
  event?: string
  /** The `data:` lines, joined with LF as the format says. */
  data: Buffer
}

export interface EventStreamBounds {
  /** Longest line, and most data in one event. */
  eventMaxBytes: number
  /** Most bytes the whole stream may carry. */
  streamMaxBytes: number
}

/** The stream broke a bound: one event (or line) too long, or the stream as a whole. */
export class EventStreamTooLongError extends Error {
  readonly bound: 'event' | 'stream'
  readonly maxBytes: number
  constructor (bound: 'event' | 'stream', maxBytes: number) {
    super(bound === 'event' ? `An event is longer than ${maxBytes} bytes.` : `The event stream is longer than ${maxBytes} bytes.`)
    this.name = 'EventStreamTooLongError'
    this.bound = bound
    this.maxBytes = maxBytes
  }
}

const LF = 0x0a
const CR = 0x0d
const COLON = 0x3a
const SPACE = 0x20

/** Cuts bytes into lines (LF, CRLF or CR), keeping at most one unfinished line of maxBytes. */
class LineSplitter {
  readonly #maxBytes: number
  #pending: Buffer[] = []
  #pendingBytes = 0
  // A CR ended the last chunk: an LF starting the next one belongs to it.
  #afterCR = false

  constructor (maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  push (chunk: Buffer): Buffer[] {
    const lines: Buffer[] = []
    let start = this.#afterCR && chunk[0] === LF ? 1 : 0
    this.#afterCR = false
    let nextLF = chunk.indexOf(LF, start)
    let nextCR = chunk.indexOf(CR, start)
    while (nextLF !== -1 || nextCR !== -1) {
      const end = nextCR === -1 || (nextLF !== -1 && nextLF < nextCR) ? nextLF : nextCR
      lines.push(this.#line(chunk.subarray(start, end)))
      start = end + 1
      if (chunk[end] === CR) {
        if (end + 1 === chunk.length) this.#afterCR = true
        else if (chunk[end + 1] === LF) start++
      }
      if (nextLF !== -1 && nextLF < start) nextLF = chunk.indexOf(LF, start)
      if (nextCR !== -1 && nextCR < start) nextCR = chunk.indexOf(CR, start)
    }
    this.#keep(chunk.subarray(start))
    return lines
  }

  /** What is left when the stream ends cleanly: a last line without its terminator. */
  rest (): Buffer | undefined {
    return this.#pendingBytes === 0 ? undefined : this.#line(Buffer.alloc(0))
  }

  #keep (piece: Buffer): void {
    if (piece.length === 0) return
    this.#pendingBytes += piece.length
    if (this.#pendingBytes > this.#maxBytes) throw new EventStreamTooLongError('event', this.#maxBytes)
    this.#pending.push(piece)
  }

  #line (end: Buffer): Buffer {
    if (this.#pending.length === 0) {
      if (end.length > this.#maxBytes) throw new EventStreamTooLongError('event', this.#maxBytes)
      return end
    }
    this.#keep(end)
    const line = Buffer.concat(this.#pending, this.#pendingBytes)
    this.#pending = []
    this.#pendingBytes = 0
    return line
  }
}

// What one data line costs beyond its bytes: each is held as its own Buffer until the event ends,
// so a stream of empty `data` lines would otherwise hold ~100 bytes of heap per byte it is charged.
const DATA_LINE_COST = 64

/** Builds events from lines, as the format's field rules say; id and retry are not used here. */
class EventBuilder {
  readonly #maxBytes: number
  #event: string | undefined
  #data: Buffer[] = []
  #dataBytes = 0

  constructor (maxBytes: number) {
    this.#maxBytes = maxBytes
  }

  /** The event a blank line completes, if it carried data. */
  line (line: Buffer): ServerSentEvent | undefined {
    if (line.length === 0) return this.finish()
    if (line[0] === COLON) return undefined // a comment (keep-alive)
    const colon = line.indexOf(COLON)
    const name = (colon === -1 ? line : line.subarray(0, colon)).toString('latin1')
    let value = colon === -1 ? Buffer.alloc(0) : line.subarray(colon + 1)
    if (value[0] === SPACE) value = value.subarray(1)
    if (name === 'event') this.#event = value.toString('utf8')
    else if (name === 'data') {
      this.#dataBytes += value.length + DATA_LINE_COST
      if (this.#dataBytes > this.#maxBytes) throw new EventStreamTooLongError('event', this.#maxBytes)
      this.#data.push(value)
    }
    return undefined
  }

  finish (): ServerSentEvent | undefined {
    const event = this.#event
    const data = this.#data
    this.#event = undefined
    this.#data = []
    this.#dataBytes = 0
    if (data.length === 0) return undefined
    const joined = data.length === 1 ? data[0] as Buffer : joinLines(data)
    return event === undefined ? { data: joined } : { event, data: joined }
  }
}

/** Data lines joined by LF, in one allocation. */
function joinLines (lines: Buffer[]): Buffer {
  const joined = Buffer.allocUnsafe(lines.reduce((sum, line) => sum + line.length, lines.length - 1))
  let offset = 0
  for (const [index, line] of lines.entries()) {
    if (index > 0) joined[offset++] = LF
    offset += line.copy(joined, offset)
  }
  return joined
}

/**
 * The events of a stream as they arrive. A stream that ends cleanly with an event still open (no
 * blank line after its data) yields it too: the bytes are whole, only the separator is missing.
 */
export async function * serverSentEvents (chunks: AsyncIterable<Uint8Array>, bounds: EventStreamBounds): AsyncGenerator<ServerSentEvent> {
  const lines = new LineSplitter(bounds.eventMaxBytes)
  const events = new EventBuilder(bounds.eventMaxBytes)
  let total = 0
  let first = true
  for await (const chunk of chunks) {
    total += chunk.byteLength
    if (total > bounds.streamMaxBytes) throw new EventStreamTooLongError('stream', bounds.streamMaxBytes)
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    // A UTF-8 byte order mark may open the stream; it is not part of the first field name.
    if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3)
    first = false
    for (const line of lines.push(bytes)) {
      const event = events.line(line)
      if (event !== undefined) yield event
    }
  }
  const rest = lines.rest()
  if (rest !== undefined) events.line(rest)
  const last = events.finish()
  if (last !== undefined) yield last
}
