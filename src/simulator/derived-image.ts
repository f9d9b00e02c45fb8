// Images made from the caller's inputs, so a test can see that an edit or a variation used what
// was sent: the first input fills the answer's size (cover), blended 20 % toward a tint chosen by
// output index (so each output differs yet keeps the input's colours); the mask's
// transparent area shows the prompt's pattern (the "edited" region); the other inputs sit as a
// strip of thumbnails along the bottom.
import sharp, { type OverlayOptions, type Sharp } from 'sharp'
import type { DecodedInput } from './edit-request.js'
import { makeImage, type OutputFormat } from './image-maker.js'

export interface EditImageSpec {
  prompt: string
  images: DecodedInput[]
  mask?: DecodedInput
  index: number
  width: number
  height: number
  format: OutputFormat
  compression: number
}

const TINTS = [
  { r: 255, g: 96, b: 96 },
  { r: 96, g: 160, b: 255 },
  { r: 96, g: 224, b: 128 },
  { r: 240, g: 200, b: 64 },
  { r: 200, g: 96, b: 240 }
]

function tintFor (index: number) {
  return TINTS[index % TINTS.length] as { r: number, g: number, b: number }
}

async function encode (image: Sharp, format: OutputFormat, compression: number): Promise<Buffer> {
  const quality = Math.max(1, compression)
  if (format === 'jpeg') return await image.jpeg({ quality }).toBuffer()
  if (format === 'webp') return await image.webp({ quality }).toBuffer()
  return await image.png().toBuffer()
}

const TINT_SHARE = 0.2

/** The input covering width x height, flattened onto white and blended toward the tint: raw RGB. */
async function tintedCover (input: DecodedInput, width: number, height: number, index: number, mirrored = false): Promise<Buffer> {
  const tint = tintFor(index)
  const keep = 1 - TINT_SHARE
  let image = sharp(input.bytes).resize(width, height, { fit: 'cover' }).flatten({ background: '#ffffff' })
    .linear([keep, keep, keep], [tint.r * TINT_SHARE, tint.g * TINT_SHARE, tint.b * TINT_SHARE])
  if (mirrored) image = image.flop()
  return await image.raw().toBuffer()
}

/** The prompt's pattern where the mask is fully transparent, clear elsewhere: a PNG overlay. */
async function maskedPattern (spec: EditImageSpec, mask: DecodedInput): Promise<Buffer> {
  const { width, height } = spec
  const pattern = await makeImage({ prompt: spec.prompt, index: spec.index, width, height, format: 'png', compression: 100, kind: 'pattern' })
  const patternRgb = await sharp(pattern).removeAlpha().raw().toBuffer()
  // The mask's alpha, inverted: 255 where the mask is transparent (the area to edit).
  const editArea = await sharp(mask.bytes).resize(width, height, { fit: 'fill' }).ensureAlpha().extractChannel(3).negate().raw().toBuffer()
  return await sharp(patternRgb, { raw: { width, height, channels: 3 } }).joinChannel(editArea, { raw: { width, height, channels: 1 } }).png().toBuffer()
}

async function thumbnailStrip (spec: EditImageSpec): Promise<OverlayOptions[]> {
  const side = Math.max(8, Math.floor(Math.min(spec.width, spec.height) / 6))
  const fitting = Math.floor(spec.width / side)
  const others = spec.images.slice(1, 1 + fitting)
  return await Promise.all(others.map(async (input, position) => ({
    input: await sharp(input.bytes).resize(side, side, { fit: 'cover' }).flatten({ background: '#ffffff' }).png().toBuffer(),
    left: position * side,
    top: spec.height - side
  })))
}

export async function makeEditImage (spec: EditImageSpec): Promise<Buffer> {
  const first = spec.images[0] as DecodedInput
  const { width, height } = spec
  const [base, strip, edited] = await Promise.all([
    tintedCover(first, width, height, spec.index),
    thumbnailStrip(spec),
    spec.mask !== undefined ? maskedPattern(spec, spec.mask) : Promise.resolve(undefined)
  ])
  const overlays: OverlayOptions[] = [...(edited !== undefined ? [{ input: edited, left: 0, top: 0 }] : []), ...strip]
  const image = sharp(base, { raw: { width, height, channels: 3 } })
  return await encode(overlays.length > 0 ? image.composite(overlays) : image, spec.format, spec.compression)
}

/** A variation: the input covering the size, tinted by index, mirrored on odd indexes; PNG. */
export async function makeVariationImage (input: DecodedInput, index: number, width: number, height: number): Promise<Buffer> {
  const base = await tintedCover(input, width, height, index, index % 2 === 1)
  return await sharp(base, { raw: { width, height, channels: 3 } }).png().toBuffer()
}
