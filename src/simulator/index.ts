// An OpenAI-compatible image provider over real HTTP, for tests, benchmarks and the gateway's
// no-credentials default: POST /v1/images/generations, /v1/images/edits (multipart) and
// /v1/images/variations answer real images (base64, expiring URLs or a stream of events), and
// faults can be injected by code, by header (x-sim-fault) or by HTTP (/_sim/faults).
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import type { AddressInfo } from 'node:net'
import { AnswerCache } from './answer-cache.js'
import { buildAnswer, type AnswerPlan, type SimulatedOperation } from './answer-plan.js'
import { makeEditImage, makeVariationImage } from './derived-image.js'
import { readEditRequest, readVariationRequest } from './edit-request.js'
import { streamAnswer } from './event-stream.js'
import { FaultQueue, parseFault, type SimulatorFault } from './faults.js'
import { readRequest, SimulatorInputError, usageFor } from './generation.js'
import { makeImage, type ImageKind } from './image-maker.js'
import { recordInputs, type SimulatorInputRecord } from './input-record.js'
import { readMultipartForm, type MultipartForm } from './multipart-form.js'
import { PromiseCache } from './promise-cache.js'
import { UrlStore } from './url-store.js'

export type { SimulatorFault } from './faults.js'
export type { SimulatorInputRecord, InputFileRecord } from './input-record.js'

/** How the simulator takes `stream`: as OpenAI does, as if it were absent, or as an unknown argument (400). */
export type StreamingSupport = 'supported' | 'ignored' | 'rejected'

export interface SimulatorOptions {
  apiKey?: string
  urlTtlMs?: number
  latencyMs?: number
  imageKind?: ImageKind
  /** Reuse the encoded answer to an identical fault-free base64 request (benchmarks). */
  cacheAnswers?: boolean
  host?: string
  port?: number
  /** Clock that URL expiry is measured on (tests move it instead of sleeping). */
  now?: () => number
  /** Default 'supported'. */
  streaming?: StreamingSupport
  /** Pause between the events of a streamed answer (default 0). */
  streamGapMs?: number
}

export interface SimulatorStats {
  generationRequests: number
  editRequests: number
  variationRequests: number
  imagesServed: number
}

export interface Simulator {
  url: string
  stats: SimulatorStats
  /** Generation bodies as parsed JSON; edit and variation text fields (Record<string, string>). */
  lastRequestBodies: unknown[]
  lastRequestHeaders: Array<Record<string, string | string[] | undefined>>
  /** What each edit and variation brought: its fields and the sha256 of every file. */
  lastInputs: SimulatorInputRecord[]
  pushFault(fault: SimulatorFault, times?: number): void
  setDefaultFault(fault: SimulatorFault | undefined): void
  setLatency(ms: number): void
  setStreamGap(ms: number): void
  expireUrlsNow(): void
  reset(): void
  close(): Promise<void>
}

const KEEP_BODIES = 100
const DERIVED_IMAGE_CACHE_ENTRIES = 32

function sendJson (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendEncoded(response, status, Buffer.from(JSON.stringify(body)), headers)
}

function sendEncoded (response: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': `req_${randomBytes(8).toString('hex')}`, ...headers })
  response.end(body)
}

function sendError (response: ServerResponse, status: number, message: string, type: string, code: string | null, param: string | null = null, headers: Record<string, string> = {}): void {
  sendJson(response, status, { error: { message, type, param, code } }, headers)
}

async function readBody (request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function remember<T> (list: T[], item: T): void {
  list.push(item)
  if (list.length > KEEP_BODIES) list.shift()
}

/** The request's text values with stream and partial_images dealt with as `support` says. */
function withStreamingSupport (values: unknown, support: StreamingSupport): unknown {
  if (support === 'supported' || typeof values !== 'object' || values === null || Array.isArray(values)) return values
  const { stream, partial_images: partialImages, ...rest } = values as Record<string, unknown>
  if (support === 'ignored') return rest
  if (stream !== undefined) throw new SimulatorInputError('stream', 'Unrecognized request argument supplied: stream', null)
  if (partialImages !== undefined) throw new SimulatorInputError('partial_images', 'Unrecognized request argument supplied: partial_images', null)
  return values
}

/** What the request brought: a generation's JSON (text kept for the answer cache) or an edit's form. */
type Received =
  | { operation: 'generate', text: string, body: unknown }
  | { operation: 'edit' | 'variation', form: MultipartForm, record: SimulatorInputRecord }
  | { operation: SimulatedOperation, error: SimulatorInputError }

export async function startSimulator (options: SimulatorOptions = {}): Promise<Simulator> {
  const faults = new FaultQueue()
  const urls = new UrlStore(options.urlTtlMs ?? 3_600_000, options.now)
  const kind = options.imageKind ?? 'pattern'
  const answers = options.cacheAnswers === true ? new AnswerCache() : undefined
  const derivedImages = new PromiseCache<Buffer>(DERIVED_IMAGE_CACHE_ENTRIES)
  const streaming = options.streaming ?? 'supported'
  let latencyMs = options.latencyMs ?? 0
  let streamGapMs = options.streamGapMs ?? 0
  let baseUrl = ''
  // Delays end when the simulator closes, so a held request never keeps the process alive.
  const closing = new AbortController()
  const sleep = (ms: number) => delay(ms, undefined, { signal: closing.signal })

  const simulator: Simulator = {
    url: '',
    stats: { generationRequests: 0, editRequests: 0, variationRequests: 0, imagesServed: 0 },
    lastRequestBodies: [],
    lastRequestHeaders: [],
    lastInputs: [],
    pushFault: (fault, times) => faults.push(fault, times),
    setDefaultFault: (fault) => faults.setDefault(fault),
    setLatency: (ms) => { latencyMs = ms },
    setStreamGap: (ms) => { streamGapMs = ms },
    expireUrlsNow: () => urls.expireAll(),
    reset: () => {
      faults.clear()
      simulator.stats.generationRequests = 0
      simulator.stats.editRequests = 0
      simulator.stats.variationRequests = 0
      simulator.stats.imagesServed = 0
      simulator.lastRequestBodies.length = 0
      simulator.lastRequestHeaders.length = 0
      simulator.lastInputs.length = 0
    },
    close: async () => {
      closing.abort()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }

  function count (operation: SimulatedOperation): void {
    if (operation === 'generate') simulator.stats.generationRequests++
    else if (operation === 'edit') simulator.stats.editRequests++
    else simulator.stats.variationRequests++
  }

  async function receive (operation: SimulatedOperation, request: IncomingMessage): Promise<Received> {
    if (operation === 'generate') {
      const text = await readBody(request)
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      remember(simulator.lastRequestBodies, body)
      if (body === undefined) return { operation, error: new SimulatorInputError(null, 'We could not parse the JSON body of your request.', null) }
      return { operation, text, body }
    }
    try {
      const form = await readMultipartForm(request)
      const record = recordInputs(operation, form)
      remember(simulator.lastRequestBodies, record.fields)
      remember(simulator.lastInputs, record)
      return { operation, form, record }
    } catch (error) {
      if (error instanceof SimulatorInputError) return { operation, error }
      throw error
    }
  }

  async function planFor (received: Exclude<Received, { error: SimulatorInputError }>): Promise<AnswerPlan> {
    if (received.operation === 'generate') {
      const parsed = readRequest(withStreamingSupport(received.body, streaming))
      const specOf = (index: number) => ({ prompt: parsed.prompt, index, width: parsed.width, height: parsed.height, format: parsed.format, compression: parsed.compression, kind })
      return {
        operation: 'generate',
        request: parsed,
        image: (index) => makeImage(specOf(index)),
        imageKey: (index) => `generate:${JSON.stringify(specOf(index))}`,
        usage: usageFor(parsed),
        describesImages: true,
        revisesPrompt: true
      }
    }
    const inputsKey = createHash('sha256').update(JSON.stringify([received.record.images.map((image) => image.sha256), received.record.mask?.sha256])).digest('hex')
    if (received.operation === 'edit') {
      const fields = withStreamingSupport(received.form.fields, streaming) as Record<string, string>
      const edit = await readEditRequest({ fields, files: received.form.files })
      const { request } = edit
      const imageKey = (index: number) => `edit:${inputsKey}:${JSON.stringify([request.prompt, index, request.width, request.height, request.format, request.compression])}`
      return {
        operation: 'edit',
        request,
        image: (index) => derivedImages.get(imageKey(index), () => makeEditImage({ ...edit, prompt: request.prompt, index, width: request.width, height: request.height, format: request.format, compression: request.compression })),
        imageKey,
        usage: usageFor(request, edit.images.map((image) => image.width * image.height)),
        describesImages: true,
        revisesPrompt: true
      }
    }
    const variation = await readVariationRequest(received.form)
    const { request } = variation
    const imageKey = (index: number) => `variation:${inputsKey}:${index}:${request.size}`
    return {
      operation: 'variation',
      request,
      image: (index) => derivedImages.get(imageKey(index), () => makeVariationImage(variation.image, index, request.width, request.height)),
      imageKey,
      describesImages: false,
      revisesPrompt: false
    }
  }

  async function serveImages (operation: SimulatedOperation, request: IncomingMessage, response: ServerResponse): Promise<void> {
    count(operation)
    remember(simulator.lastRequestHeaders, { ...request.headers })
    const received = await receive(operation, request)

    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(response, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')
      return
    }
    if ('error' in received) {
      sendError(response, 400, received.error.message, 'invalid_request_error', received.error.code, received.error.param)
      return
    }
    const headerFault = typeof request.headers['x-sim-fault'] === 'string' ? parseFault(JSON.parse(request.headers['x-sim-fault'])) : undefined
    const fault = headerFault ?? faults.next()
    if (latencyMs > 0) await sleep(latencyMs)
    if (fault?.kind === 'delay') await sleep(fault.ms)
    if (fault?.kind === 'reset') {
      request.socket.destroy()
      return
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = {}
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds)
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs)
      sendError(response, fault.status, fault.message ?? `Simulated HTTP ${fault.status}.`, fault.type ?? (fault.status >= 500 ? 'server_error' : 'invalid_request_error'), fault.code ?? null, null, headers)
      return
    }
    if (fault?.kind === 'malformed-json') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{"created": 1, "data": [{"b64_json": "iVBOR')
      return
    }

    let plan: AnswerPlan
    try {
      plan = await planFor(received)
    } catch (error) {
      if (error instanceof SimulatorInputError) {
        sendError(response, 400, error.message, 'invalid_request_error', error.code, error.param)
        return
      }
      throw error
    }
    if (plan.request.stream) {
      await streamAnswer(response, plan, fault, { gapMs: () => streamGapMs, sleep })
      return
    }
    const created = Math.floor(Date.now() / 1000)
    if (answers !== undefined && received.operation === 'generate' && fault === undefined && plan.request.responseFormat === 'b64_json') {
      let encoded = answers.get(received.text, created)
      if (encoded === undefined) {
        encoded = buildAnswer(plan, undefined, created, urls, baseUrl).then((answer) => Buffer.from(JSON.stringify(answer)))
        answers.set(received.text, created, encoded)
      }
      return sendEncoded(response, 200, await encoded)
    }
    const answer = await buildAnswer(plan, fault, created, urls, baseUrl)
    if (fault?.kind === 'reset-mid-body' || fault?.kind === 'slow-body') {
      const textAnswer = JSON.stringify(answer)
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(textAnswer) })
      if (fault.kind === 'reset-mid-body') {
        response.write(textAnswer.slice(0, Math.floor(textAnswer.length / 2)), () => response.socket?.destroy())
        return
      }
      const chunk = Math.max(1, Math.ceil(textAnswer.length / 50))
      for (let offset = 0; offset < textAnswer.length && !response.destroyed; offset += chunk) {
        response.write(textAnswer.slice(offset, offset + chunk))
        await sleep(fault.chunkDelayMs)
      }
      response.end()
      return
    }
    sendJson(response, 200, answer)
  }

  function serveFile (name: string, response: ServerResponse): void {
    const image = urls.get(name)
    if (image === undefined) {
      sendError(response, 404, 'This image URL has expired or never existed.', 'invalid_request_error', 'not_found')
      return
    }
    simulator.stats.imagesServed++
    response.writeHead(200, { 'content-type': image.contentType, 'content-length': image.bytes.length })
    response.end(image.bytes)
  }

  async function control (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (path === '/_sim/stats' && request.method === 'GET') return sendJson(response, 200, simulator.stats)
    if (path === '/_sim/faults' && request.method === 'DELETE') {
      faults.clear()
      return sendJson(response, 200, { cleared: true })
    }
    if (path === '/_sim/faults' && request.method === 'POST') {
      const body = JSON.parse(await readBody(request)) as { fault?: unknown, times?: number }
      const fault = parseFault(body.fault)
      if (fault === undefined) return sendError(response, 400, 'Unknown fault.', 'invalid_request_error', null, 'fault')
      faults.push(fault, body.times ?? 1)
      return sendJson(response, 200, { queued: body.times ?? 1 })
    }
    sendError(response, 404, 'Unknown control endpoint.', 'invalid_request_error', null)
  }

  const OPERATIONS: Record<string, SimulatedOperation> = { '/v1/images/generations': 'generate', '/v1/images/edits': 'edit', '/v1/images/variations': 'variation' }
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    const operation = request.method === 'POST' ? OPERATIONS[path] : undefined
    const handled = operation !== undefined
      ? serveImages(operation, request, response)
      : path.startsWith('/files/') && (request.method === 'GET' || request.method === 'HEAD')
        ? Promise.resolve(serveFile(decodeURIComponent(path.slice('/files/'.length)), response))
        : path.startsWith('/_sim/')
          ? control(request, response, path)
          : Promise.resolve(sendError(response, 404, `Unknown path ${path}.`, 'invalid_request_error', null))
    handled.catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, `Simulator failed: ${(error as Error).message}`, 'server_error', null)
      else response.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  baseUrl = `http://${host}:${address.port}`
  simulator.url = baseUrl
  return simulator
}
