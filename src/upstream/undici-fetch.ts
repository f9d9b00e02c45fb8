// A `fetch` for the openai SDK built on undici's request API. The SDK still builds the request,
// authenticates, times out and retries; this only carries the bytes. Node's global fetch spends
// about 0.7 ms of CPU more per call (WHATWG request/response machinery) than undici.request does,
// which is a third of the gateway's whole cost for a small image (docs/performance.md).
// Like fetch, it resolves once the headers are in, and the body streams after. A caller that wants
// the whole body can skip the WHATWG stream and have it read straight into one Buffer (bodyBytes).
import type { Readable } from 'node:stream'
import { Agent, request } from 'undici'

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>

// Unlike fetch, this follows no redirect: a provider API that answers 3xx would otherwise have the
// prompt and our Authorization header re-sent to whatever host it names (issue 12). The 3xx comes
// back as the response, the SDK turns it into an APIError, and map-upstream-error.ts into
// upstream_malformed_response. (Image downloads follow their own allowlisted redirects.)
const MAX_REDIRECTIONS = 0

function headersOf (init: RequestInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  new Headers(init?.headers).forEach((value, name) => { headers[name] = value })
  return headers
}

function responseHeaders (raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else if (value !== undefined) headers.append(name, value)
  }
  return headers
}

// The undici body behind each Response this fetch made.
const nodeBodies = new WeakMap<Response, Readable>()

// Pull-based: a chunk is read from the socket only when the reader asks, and cancelling (the SDK
// does, before a retry) destroys the connection's body. (Node 20's Readable.toWeb throws when a
// cancelled stream's source ends later.)
function webStreamOf (body: Readable): ReadableStream<Uint8Array> {
  let chunks: AsyncIterator<Buffer> | undefined
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      chunks ??= body[Symbol.asyncIterator]() as AsyncIterator<Buffer>
      const next = await chunks.next()
      if (next.done === true) controller.close()
      else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength))
    },
    cancel () {
      // Nobody reads this body any more: its abort error has no one to go to.
      body.on('error', () => {})
      body.destroy()
    }
  }, { highWaterMark: 0 })
}

export function createUndiciFetch (): FetchFunction {
  const agent = new Agent()
  const undiciFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let body = init?.body
    const headers = headersOf(init)
    // Edits and variations come as FormData: encoded here (Response gives the multipart bytes and
    // their boundary) so they take the same road as JSON: no redirects, a bounded error body.
    if (body instanceof FormData) {
      const encoded = new Response(body)
      headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data'
      body = new Uint8Array(await encoded.arrayBuffer())
    }
    // The SDK sends JSON strings for images.generate; anything else (streams) goes to fetch.
    if (input instanceof Request || (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))) {
      return await fetch(input, { ...init, redirect: 'manual' })
    }
    const answer = await request(input, {
      method: (init?.method ?? 'GET') as 'GET',
      headers,
      body: body ?? undefined,
      signal: init?.signal ?? undefined,
      maxRedirections: MAX_REDIRECTIONS,
      dispatcher: agent
    })
    // 204/304 and HEAD answers have no body, and Response refuses one for them.
    const noBody = answer.statusCode === 204 || answer.statusCode === 304 || init?.method === 'HEAD'
    if (noBody) answer.body.resume()
    // The SDK reads an error answer whole, as text: only its first bytes are kept (issue 12).
    if (!noBody && answer.statusCode >= 300) {
      const errorBody = await errorBodyOf(answer.body)
      return new Response(Uint8Array.from(errorBody), { status: answer.statusCode, headers: responseHeaders(answer.headers) })
    }
    const response = new Response(noBody ? null : webStreamOf(answer.body), {
      status: answer.statusCode,
      headers: responseHeaders(answer.headers)
    })
    if (!noBody) nodeBodies.set(response, answer.body)
    return response
  }
  return undiciFetch
}

// An error answer is a short JSON envelope; more than this is not read.
const ERROR_BODY_MAX_BYTES = 64 * 1024

async function errorBodyOf (body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk.subarray(0, ERROR_BODY_MAX_BYTES - total))
    total += chunk.length
    if (total >= ERROR_BODY_MAX_BYTES) {
      body.on('error', () => {})
      body.destroy()
      break
    }
  }
  return Buffer.concat(chunks)
}

/** A body longer than the caller's bound: the read stopped there, and the connection was dropped. */
export class BodyTooLargeError extends Error {
  readonly maxBytes: number
  constructor (maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes.`)
    this.name = 'BodyTooLargeError'
    this.maxBytes = maxBytes
  }
}

/**
 * The whole body of a response, as one Buffer of at most maxBytes. For this module's responses it
 * is read from the socket's chunks into a Buffer of the announced length: no stream adapters, no
 * second copy. A longer body (announced, or counted while it streams) stops the read at once, so
 * an oversized answer never sits in memory whole.
 */
export async function bodyBytes (response: Response, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const body = nodeBodies.get(response)
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) {
    discard(response, body)
    throw new BodyTooLargeError(maxBytes)
  }
  if (body === undefined) return await webBodyBytes(response, maxBytes)
  if (!Number.isSafeInteger(declared) || declared < 0) {
    const chunks: Buffer[] = []
    let total = 0
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > maxBytes) {
        discard(response, body)
        throw new BodyTooLargeError(maxBytes)
      }
      chunks.push(chunk)
    }
    return Buffer.concat(chunks, total)
  }
  const bytes = Buffer.allocUnsafe(declared)
  let filled = 0
  const overflow: Buffer[] = []
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const fits = Math.min(chunk.length, declared - filled)
    chunk.copy(bytes, filled, 0, fits)
    filled += fits
    if (fits < chunk.length) overflow.push(chunk.subarray(fits))
  }
  // undici checks the length; should a body still differ from it, return what really came.
  if (overflow.length > 0) return Buffer.concat([bytes, ...overflow])
  return filled === declared ? bytes : bytes.subarray(0, filled)
}

async function webBodyBytes (response: Response, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of response.body ?? []) {
    total += chunk.byteLength
    // Leaving the loop by throwing cancels the stream.
    if (total > maxBytes) throw new BodyTooLargeError(maxBytes)
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks, total)
}

/**
 * The body's chunks as they arrive, for a reader that goes event by event: the socket's own for
 * this module's responses (no stream adapter between), the WHATWG stream otherwise. Leaving the
 * iteration early (break or throw) drops the connection.
 */
export function bodyChunks (response: Response): AsyncIterable<Uint8Array> {
  return nodeBodies.get(response) ?? response.body ?? noChunks()
}

async function * noChunks (): AsyncGenerator<Uint8Array> {}

// Nobody reads the rest: the connection is dropped rather than drained.
function discard (response: Response, body: Readable | undefined): void {
  if (body !== undefined) {
    body.on('error', () => {})
    body.destroy()
    return
  }
  response.body?.cancel().catch(() => {})
}
