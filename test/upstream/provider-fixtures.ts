// What the upstream tests share: an OpenAI upstream pointed at a scripted provider, input images,
// the multipart form the provider received, and server-sent events written by hand.
import { createHash } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import sharp from 'sharp'
import type { InputImage } from '../../src/inputs/input-image.js'
import { createOpenAIUpstream, type OpenAIUpstreamOptions } from '../../src/upstream/openai-upstream.js'
import type { Upstream } from '../../src/upstream/upstream.js'
import type { HostileProvider, ReceivedRequest } from '../helpers/hostile-provider.js'

export const PROVIDER_KEY = 'sk-upstream-secret-0123456789'

export function upstreamFor (provider: HostileProvider, overrides: Partial<OpenAIUpstreamOptions> = {}): Upstream {
  return createOpenAIUpstream({
    name: 'hostile',
    baseUrl: provider.baseUrl,
    apiKey: PROVIDER_KEY,
    timeoutMs: 30_000,
    maxRetries: 0,
    responseFormat: 'auto',
    downloadHosts: [],
    answerMaxBytes: 16 * 1024 * 1024,
    imageMaxBytes: 4 * 1024 * 1024,
    streams: true,
    ...overrides
  })
}

export function sha256 (bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** A real PNG of one colour (each colour a different image, so hashes tell them apart). */
export async function png (width: number, height: number, colour = '#3366aa', alpha = false): Promise<Buffer> {
  return await sharp({ create: { width, height, channels: alpha ? 4 : 3, background: colour } }).png().toBuffer()
}

export function inputImage (bytes: Buffer, fileName: string, size: { width: number, height: number }, hasAlpha = false): InputImage {
  return { bytes, contentType: 'image/png', extension: 'png', ...size, hasAlpha, sha256: sha256(bytes), fileName }
}

export interface FormPart { name: string, value: string, fileName?: string, contentType?: string, sha256?: string }

/** The multipart parts the provider received, in order, files hashed. */
export async function formParts (received: ReceivedRequest): Promise<FormPart[]> {
  const form = await new Response(new Uint8Array(received.bytes), { headers: { 'content-type': received.headers['content-type'] ?? '' } }).formData()
  const parts: FormPart[] = []
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') parts.push({ name, value })
    else parts.push({ name, value: '', fileName: value.name, contentType: value.type, sha256: sha256(new Uint8Array(await value.arrayBuffer())) })
  }
  return parts
}

/** The string fields of a form, by name. */
export function formFields (parts: FormPart[]): Record<string, string> {
  return Object.fromEntries(parts.filter((part) => part.fileName === undefined).map((part) => [part.name, part.value]))
}

/** A plain images answer with these images inline. */
export function imagesJson (images: Buffer[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ created: 1_700_000_000, data: images.map((image) => ({ b64_json: image.toString('base64') })), ...extra })
}

export function sendJsonText (response: ServerResponse, text: string): void {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  response.end(text)
}

export function startEventStream (response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': 'req_stream_1' })
}

/** One server-sent event as OpenAI writes it. */
export function sseEvent (type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
}

export function partialEvent (operation: 'image_generation' | 'image_edit', index: number, image: Buffer): string {
  return sseEvent(`${operation}.partial_image`, { partial_image_index: index, b64_json: image.toString('base64'), size: '64x64', output_format: 'png', background: 'opaque', quality: 'low', created_at: 1_700_000_001 })
}

export function completedEvent (operation: 'image_generation' | 'image_edit', image: Buffer, usage?: Record<string, unknown>): string {
  return sseEvent(`${operation}.completed`, { b64_json: image.toString('base64'), size: '64x64', output_format: 'png', background: 'opaque', quality: 'high', created_at: 1_700_000_002, ...(usage === undefined ? {} : { usage }) })
}

/** A promise and the function that settles it, for a provider that waits on the test. */
export function signal (): { promise: Promise<void>, fire: () => void } {
  let fire = (): void => {}
  const promise = new Promise<void>((resolve) => { fire = resolve })
  return { promise, fire }
}
