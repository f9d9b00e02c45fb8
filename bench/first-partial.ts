// Times one streamed image request the way a caller experiences it: from sending the request to
// holding the whole first `<prefix>.partial_image` event. The rest of the stream is read to its
// end (so the next request starts on a quiet server) and checked: an `error` event, a stream
// without a partial or without a completed event, or a non-200 answer fails the run.
import { request, type Dispatcher } from 'undici'

export interface StreamedRequest {
  url: string
  headers: Record<string, string>
  body: string
  /** `image_generation` or `image_edit`. */
  prefix: string
  dispatcher: Dispatcher
}

export interface FirstPartialTiming {
  firstPartialMs: number
  totalMs: number
  events: number
}

// Enough of an event's start to read its `event:` line; the rest (megabytes of base64) is skipped.
const HEAD_CHARS = 128
const NEWLINE = 0x0a

/**
 * Splits server-sent events framed with LF (`event: …\ndata: …\n\n`, as the gateway and the
 * simulator write them) and hands each event's name over as its blank line arrives, without
 * holding the event's data: O(bytes), whatever the size of the images.
 */
export class EventNameReader {
  #head = ''
  #headBytes = 0
  #lastByteNewline = false
  readonly #onEvent: (name: string) => void

  constructor (onEvent: (name: string) => void) {
    this.#onEvent = onEvent
  }

  push (chunk: Buffer): void {
    let start = 0
    if (this.#lastByteNewline && chunk[0] === NEWLINE && this.#headBytes > 0) {
      this.#finish()
      start = 1
    }
    while (start < chunk.length) {
      const end = chunk.indexOf('\n\n', start)
      const stop = end === -1 ? chunk.length : end
      this.#take(chunk, start, stop)
      if (end === -1) break
      this.#finish()
      start = end + 2
    }
    this.#lastByteNewline = chunk[chunk.length - 1] === NEWLINE
  }

  #take (chunk: Buffer, start: number, stop: number): void {
    if (this.#head.length < HEAD_CHARS) this.#head += chunk.toString('latin1', start, Math.min(stop, start + HEAD_CHARS - this.#head.length))
    this.#headBytes += stop - start
  }

  #finish (): void {
    const firstLine = this.#head.split('\n', 1)[0] ?? ''
    this.#head = ''
    this.#headBytes = 0
    if (firstLine.startsWith('event:')) this.#onEvent(firstLine.slice('event:'.length).trim())
  }
}

export async function timeFirstPartial (streamed: StreamedRequest): Promise<FirstPartialTiming> {
  const startedAt = performance.now()
  const answer = await request(streamed.url, { method: 'POST', headers: { 'content-type': 'application/json', ...streamed.headers }, body: streamed.body, dispatcher: streamed.dispatcher })
  if (answer.statusCode !== 200) throw new Error(`${streamed.url}: HTTP ${answer.statusCode}: ${(await answer.body.text()).slice(0, 300)}`)
  let firstPartialMs: number | undefined
  let completed = 0
  let events = 0
  const names: string[] = []
  const reader = new EventNameReader((name) => {
    events++
    names.push(name)
    if (name === `${streamed.prefix}.partial_image` && firstPartialMs === undefined) firstPartialMs = performance.now() - startedAt
    if (name === `${streamed.prefix}.completed`) completed++
  })
  for await (const chunk of answer.body) reader.push(chunk as Buffer)
  const totalMs = performance.now() - startedAt
  if (names.includes('error') || firstPartialMs === undefined || completed === 0) {
    throw new Error(`${streamed.url}: expected partial images then a completed event, got events [${names.join(', ')}]`)
  }
  if (names.indexOf(`${streamed.prefix}.partial_image`) > names.indexOf(`${streamed.prefix}.completed`)) {
    throw new Error(`${streamed.url}: the first partial image came after a completed event: [${names.join(', ')}]`)
  }
  return { firstPartialMs, totalMs, events }
}
