// Shared by the simulator's tests: a simulator per test, input images made with sharp, pixel
// reads, and a reader for server-sent events over raw fetch.
import { createHash } from 'node:crypto'
import OpenAI from 'openai'
import sharp from 'sharp'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js'

export async function simulatorFor (t: { teardown(fn: () => unknown): void }, options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await startSimulator({ apiKey: 'sim-key', ...options })
  t.teardown(() => simulator.close())
  return simulator
}

export const client = (simulator: Simulator) => new OpenAI({ baseURL: `${simulator.url}/v1`, apiKey: 'sim-key', maxRetries: 0 })

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

export async function solidImage (width: number, height: number, colour: { r: number, g: number, b: number }, format: 'png' | 'jpeg' | 'webp' = 'png'): Promise<Buffer> {
  return await sharp({ create: { width, height, channels: 3, background: colour } }).toFormat(format).toBuffer()
}

/** A mask whose left half is fully transparent (the area to edit) and right half opaque. */
export async function leftHalfMask (width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 4, 0)
  for (let y = 0; y < height; y++) for (let x = Math.floor(width / 2); x < width; x++) raw[(y * width + x) * 4 + 3] = 255
  return await sharp(raw, { raw: { width, height, channels: 4 } }).png().toBuffer()
}

export async function pixelAt (image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const offset = (y * info.width + x) * info.channels
  return [data[offset] as number, data[offset + 1] as number, data[offset + 2] as number]
}

/** Mean absolute difference per channel between two same-size images, after shrinking both to side x side. */
export async function meanDifference (a: Buffer, b: Buffer, side?: number): Promise<number> {
  const rawOf = async (image: Buffer) => {
    const pipeline = sharp(image).removeAlpha()
    return await (side !== undefined ? pipeline.resize(side, side, { fit: 'fill' }) : pipeline).raw().toBuffer()
  }
  const [left, right] = await Promise.all([rawOf(a), rawOf(b)])
  let total = 0
  for (let index = 0; index < left.length; index++) total += Math.abs((left[index] as number) - (right[index] as number))
  return total / left.length
}

export interface ServerSentEvent { event: string, data: Record<string, unknown>, raw: string }

function parseEvent (block: string): ServerSentEvent {
  const match = /^event: (.+)\ndata: (.+)$/.exec(block)
  if (match === null) throw new Error(`Not an event block: ${JSON.stringify(block.slice(0, 200))}`)
  return { event: match[1] as string, data: JSON.parse(match[2] as string) as Record<string, unknown>, raw: block }
}

/** Reads events one at a time as they arrive; undefined once the stream has ended. */
export function eventReader (response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  return {
    async next (): Promise<ServerSentEvent | undefined> {
      for (;;) {
        const end = buffered.indexOf('\n\n')
        if (end >= 0) {
          const block = buffered.slice(0, end)
          buffered = buffered.slice(end + 2)
          return parseEvent(block)
        }
        const { done, value } = await reader.read()
        if (done) {
          if (buffered !== '') throw new Error(`Stream ended inside an event: ${JSON.stringify(buffered.slice(0, 200))}`)
          return undefined
        }
        buffered += decoder.decode(value, { stream: true })
      }
    },
    cancel: () => reader.cancel()
  }
}

export async function allEvents (response: Response): Promise<ServerSentEvent[]> {
  const reader = eventReader(response)
  const events: ServerSentEvent[] = []
  for (let event = await reader.next(); event !== undefined; event = await reader.next()) events.push(event)
  return events
}

export const decodeB64 = (value: unknown) => Buffer.from(value as string, 'base64')

export function form (fields: Record<string, string>, files: Array<{ field: string, bytes: Buffer, type?: string, name?: string }> = []): FormData {
  const body = new FormData()
  for (const [name, value] of Object.entries(fields)) body.append(name, value)
  for (const file of files) body.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'image/png' }), file.name ?? 'image.png')
  return body
}

export const postForm = (simulator: Simulator, path: 'edits' | 'variations', body: FormData, headers: Record<string, string> = {}) =>
  fetch(`${simulator.url}/v1/images/${path}`, { method: 'POST', headers: { authorization: 'Bearer sim-key', ...headers }, body })

export const postJson = (simulator: Simulator, body: unknown, headers: Record<string, string> = {}) => fetch(`${simulator.url}/v1/images/generations`, {
  method: 'POST',
  headers: { authorization: 'Bearer sim-key', 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body)
})
