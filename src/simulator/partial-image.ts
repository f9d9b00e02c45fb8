// Partial images for streamed answers: the final image, coarser the earlier the partial (drawn
// from a thumbnail 1/32, 1/16 or 1/8 of its size, blown up blocky) and encoded at low quality in
// the same format, so a client can tell a partial from the final yet see it is the same picture.
// Encoded partials are cached by the caller's key: the bench measures time to the first partial.
import sharp from 'sharp'
import type { OutputFormat } from './image-maker.js'
import { PromiseCache } from './promise-cache.js'

const CACHE_ENTRIES = 64
const PARTIAL_QUALITY = 40
const cache = new PromiseCache<Buffer>(CACHE_ENTRIES)

/** Shrink factor of partial `partialIndex` out of `partialCount`: the last partial is the finest. */
function shrinkFactor (partialIndex: number, partialCount: number): number {
  return 2 ** (3 + partialCount - partialIndex - 1)
}

async function roughen (finalImage: Buffer, format: OutputFormat, partialIndex: number, partialCount: number): Promise<Buffer> {
  const { width = 1, height = 1 } = await sharp(finalImage).metadata()
  const factor = shrinkFactor(partialIndex, partialCount)
  const small = await sharp(finalImage)
    .resize(Math.max(1, Math.round(width / factor)), Math.max(1, Math.round(height / factor)), { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  const blocky = sharp(small.data, { raw: { width: small.info.width, height: small.info.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'nearest' })
  if (format === 'jpeg') return await blocky.jpeg({ quality: PARTIAL_QUALITY }).toBuffer()
  if (format === 'webp') return await blocky.webp({ quality: PARTIAL_QUALITY }).toBuffer()
  return await blocky.png().toBuffer()
}

export function partialImage (cacheKey: string, finalImage: () => Promise<Buffer>, format: OutputFormat, partialIndex: number, partialCount: number): Promise<Buffer> {
  return cache.get(`${cacheKey}\u0000${partialIndex}/${partialCount}`, async () => await roughen(await finalImage(), format, partialIndex, partialCount))
}
