// Makes the simulator's images: real, decodable PNG/JPEG/WebP of exactly the asked size,
// deterministic from (prompt, index, size, format, compression, kind). 'pattern' compresses well;
// 'noise' does not, so benchmarks get images whose file size is close to their raw size.
import { createHash } from 'node:crypto'
import { endianness } from 'node:os'
import { setImmediate } from 'node:timers/promises'
import sharp from 'sharp'

export type ImageKind = 'pattern' | 'noise'
export type OutputFormat = 'png' | 'jpeg' | 'webp'

export interface ImageSpec {
  prompt: string
  index: number
  width: number
  height: number
  format: OutputFormat
  compression: number
  kind: ImageKind
}

const CACHE_ENTRIES = 64
const cache = new Map<string, Promise<Buffer>>()

export function makeImage (spec: ImageSpec): Promise<Buffer> {
  const cacheKey = JSON.stringify(spec)
  const cached = cache.get(cacheKey)
  if (cached !== undefined) return cached
  const made = render(spec)
  made.catch(() => cache.delete(cacheKey))
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string)
  cache.set(cacheKey, made)
  return made
}

function seedOf (spec: ImageSpec): Buffer {
  return createHash('sha256').update(`${spec.prompt}\u0000${spec.index}`).digest()
}

// The pixels are made in slices with a turn of the event loop between them: the in-process
// simulator shares its loop with the gateway, and one 4096x4096 image made in one go once stalled
// every other request (and /healthz) for seconds. Encoding is sharp's, off the loop already.
const SLICE_BYTES = 1 << 20
const LITTLE_ENDIAN = endianness() === 'LE'

async function pixels (spec: ImageSpec): Promise<Buffer> {
  return spec.kind === 'noise' ? await noisePixels(spec) : await patternPixels(spec)
}

async function noisePixels (spec: ImageSpec): Promise<Buffer> {
  const raw = Buffer.alloc(spec.width * spec.height * 3)
  // xorshift32 seeded from the prompt hash: fast, deterministic, incompressible enough. Written as
  // little-endian 32-bit words (through a Uint32Array where the machine is little-endian: faster).
  let state = seedOf(spec).readUInt32LE(0) || 1
  const words = Math.floor(raw.length / 4)
  const view = LITTLE_ENDIAN && raw.byteOffset % 4 === 0 ? new Uint32Array(raw.buffer, raw.byteOffset, words) : undefined
  for (let word = 0; word < words;) {
    const sliceEnd = Math.min(words, word + SLICE_BYTES / 4)
    for (; word < sliceEnd; word++) {
      state ^= state << 13; state >>>= 0
      state ^= state >>> 17
      state ^= state << 5; state >>>= 0
      if (view !== undefined) view[word] = state
      else raw.writeUInt32LE(state, word * 4)
    }
    if (word < words) await setImmediate()
  }
  return raw
}

async function patternPixels (spec: ImageSpec): Promise<Buffer> {
  const { width, height } = spec
  const [r0 = 0, g0 = 0, b0 = 0, r1 = 255, g1 = 255, b1 = 255, stripe = 16] = seedOf(spec)
  const band = 8 + (stripe % 56)
  const rowBytes = width * 3
  const raw = Buffer.alloc(rowBytes * height)
  // Diagonal stripes: pixel x of row y is in a stripe when floor((x + y) / band) is even, so a row
  // repeats every 2 * band pixels. Each row's first period is drawn, then copied along the row.
  const period = Math.min(width, 2 * band)
  const rowsPerSlice = Math.max(1, Math.floor(SLICE_BYTES / rowBytes))
  for (let y = 0; y < height; y++) {
    const t = y / Math.max(1, height - 1)
    const inStripe = [Math.round(r0 + (r1 - r0) * t), Math.round(g0 + (g1 - g0) * t), Math.round(b0 + (b1 - b0) * t)]
    const rowStart = y * rowBytes
    for (let x = 0; x < period; x++) {
      const offset = rowStart + x * 3
      const striped = Math.floor((x + y) / band) % 2 === 0
      raw[offset] = striped ? inStripe[0] as number : r1
      raw[offset + 1] = striped ? inStripe[1] as number : g0
      raw[offset + 2] = striped ? inStripe[2] as number : b0
    }
    for (let filled = period * 3; filled < rowBytes; filled *= 2) {
      raw.copyWithin(rowStart + filled, rowStart, rowStart + Math.min(filled, rowBytes - filled))
    }
    if ((y + 1) % rowsPerSlice === 0 && y + 1 < height) await setImmediate()
  }
  return raw
}

async function render (spec: ImageSpec): Promise<Buffer> {
  const image = sharp(await pixels(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } })
  const quality = Math.max(1, spec.compression)
  if (spec.format === 'jpeg') return await image.jpeg({ quality }).toBuffer()
  if (spec.format === 'webp') return await image.webp({ quality }).toBuffer()
  return await image.png({ compressionLevel: spec.kind === 'noise' ? 0 : 6 }).toBuffer()
}
