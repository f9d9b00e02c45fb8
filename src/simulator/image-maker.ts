// Makes the simulator's images: real, decodable PNG/JPEG/WebP of exactly the asked size,
// deterministic from (prompt, index, size, format, compression, kind). 'pattern' compresses well;
// 'noise' does not, so benchmarks get images whose file size is close to their raw size.
import { createHash } from 'node:crypto'
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

function pixels (spec: ImageSpec): Buffer {
  const seed = seedOf(spec)
  const raw = Buffer.alloc(spec.width * spec.height * 3)
  if (spec.kind === 'noise') {
    // xorshift32 seeded from the prompt hash: fast, deterministic, incompressible enough.
    let state = seed.readUInt32LE(0) || 1
    for (let offset = 0; offset + 4 <= raw.length; offset += 4) {
      state ^= state << 13; state >>>= 0
      state ^= state >>> 17
      state ^= state << 5; state >>>= 0
      raw.writeUInt32LE(state, offset)
    }
    return raw
  }
  const [r0 = 0, g0 = 0, b0 = 0, r1 = 255, g1 = 255, b1 = 255, stripe = 16] = seed
  const band = 8 + (stripe % 56)
  for (let y = 0; y < spec.height; y++) {
    const t = y / Math.max(1, spec.height - 1)
    for (let x = 0; x < spec.width; x++) {
      const offset = (y * spec.width + x) * 3
      const inStripe = Math.floor((x + y) / band) % 2 === 0
      raw[offset] = inStripe ? Math.round(r0 + (r1 - r0) * t) : r1
      raw[offset + 1] = inStripe ? Math.round(g0 + (g1 - g0) * t) : g0
      raw[offset + 2] = inStripe ? Math.round(b0 + (b1 - b0) * t) : b0
    }
  }
  return raw
}

async function render (spec: ImageSpec): Promise<Buffer> {
  const image = sharp(pixels(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } })
  const quality = Math.max(1, spec.compression)
  if (spec.format === 'jpeg') return await image.jpeg({ quality }).toBuffer()
  if (spec.format === 'webp') return await image.webp({ quality }).toBuffer()
  return await image.png({ compressionLevel: spec.kind === 'noise' ? 0 : 6 }).toBuffer()
}
