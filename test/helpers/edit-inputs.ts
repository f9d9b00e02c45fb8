// Input images for end-to-end edit tests: real PNG/JPEG/GIF bytes, each one different (seeded
// noise), so a sha256 names exactly one file; plus the small readers those tests share.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import sharp from 'sharp'
import type { SimulatorInputRecord } from '../../src/simulator/index.js'
import { TEST_KEY, type TestGateway } from './gateway.js'

export interface NoisyImageSpec {
  width?: number
  height?: number
  /** Seeds the pixels: different seeds give different bytes. */
  seed: number
  format?: 'png' | 'jpeg' | 'gif'
  /** RGBA, with the left half fully transparent (the edit region of a mask). */
  alpha?: boolean
}

/** Deterministic pixels from a seed (a small xorshift), so tests are repeatable. */
function noise (length: number, seed: number): Buffer {
  const pixels = Buffer.alloc(length)
  let state = (seed * 2654435761) >>> 0 || 1
  for (let offset = 0; offset < length; offset++) {
    state ^= state << 13; state >>>= 0
    state ^= state >>> 17
    state ^= state << 5; state >>>= 0
    pixels[offset] = state & 0xff
  }
  return pixels
}

export async function noisyImage (spec: NoisyImageSpec): Promise<Buffer> {
  const { width = 64, height = 64, format = 'png', alpha = false } = spec
  const channels = alpha ? 4 : 3
  const pixels = noise(width * height * channels, spec.seed)
  if (alpha) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) pixels[(y * width + x) * 4 + 3] = x < width / 2 ? 0 : 255
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels } })
  if (format === 'jpeg') return await image.jpeg().toBuffer()
  if (format === 'gif') return await image.gif().toBuffer()
  return await image.png().toBuffer()
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

export async function fetchBytes (url: string): Promise<Buffer> {
  const response = await fetch(url)
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}

/** The manifest the records API answers for a generation (GET /v1/generations/{id}). */
export async function manifestOf (env: Pick<TestGateway, 'url'>, generationId: string, apiKey = TEST_KEY): Promise<Record<string, unknown>> {
  const response = await fetch(`${env.url}/v1/generations/${generationId}`, { headers: { authorization: `Bearer ${apiKey}` } })
  if (response.status !== 200) throw new Error(`generation ${generationId} answered ${response.status}`)
  return await response.json() as Record<string, unknown>
}

/** A stored file of a local-storage gateway, by its storage key. */
export async function storedBytes (env: Pick<TestGateway, 'dataDir'>, key: string): Promise<Buffer> {
  return await readFile(path.join(env.dataDir, ...key.split('/')))
}

/** The sha256s the provider received, images in order then the mask. */
export function receivedHashes (record: SimulatorInputRecord | undefined): { images: string[], mask?: string } {
  if (record === undefined) throw new Error('the provider received no edit or variation')
  return { images: record.images.map((file) => file.sha256), ...(record.mask !== undefined ? { mask: record.mask.sha256 } : {}) }
}

/** Images stored so far: today's count of the tenant's usage (GET /v1/usage). */
export async function imagesUsedToday (env: Pick<TestGateway, 'url'>, apiKey = TEST_KEY): Promise<number> {
  const usage = await (await fetch(`${env.url}/v1/usage`, { headers: { authorization: `Bearer ${apiKey}` } })).json() as { images: { day: { used: number } } }
  return usage.images.day.used
}
