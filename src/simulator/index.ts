// An OpenAI-compatible image provider over real HTTP, for tests, benchmarks and the gateway's
// no-credentials default: POST /v1/images/generations answers real images (base64 or expiring URLs),
// and faults can be injected by code, by header (x-sim-fault) or by HTTP (/_sim/faults).
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { setTimeout as delay } from 'node:timers/promises'
import type { AddressInfo } from 'node:net'
import { AnswerCache } from './answer-cache.js'
import { FaultQueue, parseFault, type SimulatorFault } from './faults.js'
import { makeImages, readRequest, SimulatorInputError, usageFor, type SimulatedRequest } from './generation.js'
import type { ImageKind } from './image-maker.js'
import { UrlStore } from './url-store.js'

export type { SimulatorFault } from './faults.js'

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
}

export interface Simulator {
  url: string
  stats: { generationRequests: number, imagesServed: number }
  lastRequestBodies: unknown[]
  lastRequestHeaders: Array<Record<string, string | string[] | undefined>>
  pushFault(fault: SimulatorFault, times?: number): void
  setDefaultFault(fault: SimulatorFault | undefined): void
  setLatency(ms: number): void
  expireUrlsNow(): void
  reset(): void
  close(): Promise<void>
}

const KEEP_BODIES = 100
const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const

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

export async function startSimulator (options: SimulatorOptions = {}): Promise<Simulator> {
  const faults = new FaultQueue()
  const urls = new UrlStore(options.urlTtlMs ?? 3_600_000, options.now)
  const kind = options.imageKind ?? 'pattern'
  const answers = options.cacheAnswers === true ? new AnswerCache() : undefined
  let latencyMs = options.latencyMs ?? 0
  let baseUrl = ''
  // Delays end when the simulator closes, so a held request never keeps the process alive.
  const closing = new AbortController()
  const sleep = (ms: number) => delay(ms, undefined, { signal: closing.signal })

  const simulator: Simulator = {
    url: '',
    stats: { generationRequests: 0, imagesServed: 0 },
    lastRequestBodies: [],
    lastRequestHeaders: [],
    pushFault: (fault, times) => faults.push(fault, times),
    setDefaultFault: (fault) => faults.setDefault(fault),
    setLatency: (ms) => { latencyMs = ms },
    expireUrlsNow: () => urls.expireAll(),
    reset: () => {
      faults.clear()
      simulator.stats.generationRequests = 0
      simulator.stats.imagesServed = 0
      simulator.lastRequestBodies.length = 0
      simulator.lastRequestHeaders.length = 0
    },
    close: async () => {
      closing.abort()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }

  async function generate (request: IncomingMessage, response: ServerResponse): Promise<void> {
    simulator.stats.generationRequests++
    simulator.lastRequestHeaders.push({ ...request.headers })
    if (simulator.lastRequestHeaders.length > KEEP_BODIES) simulator.lastRequestHeaders.shift()
    const text = await readBody(request)
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    simulator.lastRequestBodies.push(body)
    if (simulator.lastRequestBodies.length > KEEP_BODIES) simulator.lastRequestBodies.shift()

    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(response, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')
      return
    }
    if (body === undefined) {
      sendError(response, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null)
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

    let parsed
    try {
      parsed = readRequest(body)
    } catch (error) {
      if (error instanceof SimulatorInputError) {
        sendError(response, 400, error.message, 'invalid_request_error', 'invalid_value', error.param)
        return
      }
      throw error
    }
    const created = Math.floor(Date.now() / 1000)
    if (answers !== undefined && fault === undefined && parsed.responseFormat === 'b64_json') {
      let encoded = answers.get(text, created)
      if (encoded === undefined) {
        encoded = answerFor(parsed, undefined, created).then((answer) => Buffer.from(JSON.stringify(answer)))
        answers.set(text, created, encoded)
      }
      return sendEncoded(response, 200, await encoded)
    }
    const answer = await answerFor(parsed, fault, created)
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

  async function answerFor (parsed: SimulatedRequest, fault: SimulatorFault | undefined, created: number) {
    let images = await makeImages(parsed, kind)
    if (fault?.kind === 'non-image') images = images.map(() => Buffer.from('<html><body>Service temporarily unavailable</body></html>'))
    const contentType = fault?.kind === 'non-image' ? 'text/html' : CONTENT_TYPES[parsed.format]
    const data = fault?.kind === 'zero-images'
      ? []
      : images.map((bytes) => {
        const revised = { revised_prompt: `A detailed rendering of: ${parsed.prompt}` }
        if (parsed.responseFormat === 'url' || fault?.kind === 'url-404') {
          const name = fault?.kind === 'url-404' ? `missing-${randomBytes(6).toString('hex')}.png` : urls.add(bytes, contentType, parsed.format)
          return { url: `${baseUrl}/files/${name}`, ...revised }
        }
        const b64 = bytes.toString('base64')
        return { b64_json: fault?.kind === 'truncated-base64' ? b64.slice(0, Math.floor(b64.length / 2)) : b64, ...revised }
      })
    const answer = {
      created,
      data,
      size: parsed.size,
      quality: parsed.quality,
      output_format: parsed.format,
      ...(parsed.background !== undefined ? { background: parsed.background } : {}),
      usage: usageFor(parsed)
    }
    return answer
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

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    const handled = path === '/v1/images/generations' && request.method === 'POST'
      ? generate(request, response)
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
