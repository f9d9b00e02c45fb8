// A small real HTTP server standing in for a provider that misbehaves: each test says how it
// answers, and every request it received is recorded (method, path, headers, body).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import sharp from 'sharp'
import type { Teardown } from './temp-dir.js'

export interface ReceivedRequest {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
  /** The body as it came, for binary (multipart) bodies. */
  bytes: Buffer
}

export interface HostileProvider {
  /** Origin, e.g. http://127.0.0.1:1234 (the API base URL is `${origin}/v1`). */
  origin: string
  baseUrl: string
  received: ReceivedRequest[]
}

/** May be async (a provider that waits on the test mid-answer); if it throws, the connection is dropped. */
export type Answer = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>

export async function startHostileProvider (t: Teardown, answer: Answer): Promise<HostileProvider> {
  const received: ReceivedRequest[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const bytes = Buffer.concat(chunks)
      const recorded = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: bytes.toString('utf8'), bytes }
      received.push(recorded)
      Promise.resolve(answer(recorded, response)).catch((error: unknown) => response.destroy(error instanceof Error ? error : undefined))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { origin, baseUrl: `${origin}/v1`, received }
}

/** Answers with a JSON body (content-length set). */
export function sendJson (response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}

/** A real PNG of one colour. */
export async function solidPng (width: number, height: number): Promise<Buffer> {
  return await sharp({ create: { width, height, channels: 3, background: '#3366aa' } }).png().toBuffer()
}
