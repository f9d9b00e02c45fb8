// Input images for tests, made by sharp: PNG with and without alpha, JPEG, WebP (lossy, lossless,
// with and without alpha) and GIF, of any size.
import sharp from 'sharp'

type Format = 'png' | 'jpeg' | 'webp' | 'gif'

export interface ImageSpec {
  width?: number
  height?: number
  alpha?: boolean
  lossless?: boolean
}

export async function makeImage (format: Format, spec: ImageSpec = {}): Promise<Buffer> {
  const { width = 64, height = 64, alpha = false } = spec
  const channels = alpha ? 4 : 3
  const background = alpha ? { r: 200, g: 40, b: 40, alpha: 0.5 } : { r: 200, g: 40, b: 40 }
  const image = sharp({ create: { width, height, channels, background } })
  if (format === 'png') return await image.png().toBuffer()
  if (format === 'jpeg') return await image.jpeg().toBuffer()
  if (format === 'webp') return await image.webp({ lossless: spec.lossless === true }).toBuffer()
  return await image.gif().toBuffer()
}

/** A PNG without an alpha channel but with a tRNS chunk (palette transparency). */
export async function makePaletteWithTransparency (): Promise<Buffer> {
  return await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png({ palette: true }).toBuffer()
}

/** A square RGB PNG stored without compression: at least `minBytes` long. */
export async function makeLargePng (minBytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(minBytes / 3))
  return await sharp(Buffer.alloc(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer()
}
