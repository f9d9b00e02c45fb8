// Whether an image can hold transparency, read from its headers alone (no pixel is decoded): a
// mask must have alpha, and a provider treats an input with alpha differently. PNG: colour type 4
// or 6, or a tRNS chunk (before the image data, as the spec requires). WebP: the VP8X alpha flag or
// an ALPH chunk, or a lossless (VP8L) image whose alpha_is_used bit is set. JPEG has no alpha.

const PNG_COLOUR_TYPE_OFFSET = 25 // signature 8, IHDR length 4, type 4, width 4, height 4, bit depth 1
const PNG_FIRST_CHUNK = 8
const WEBP_FIRST_CHUNK = 12
const VP8X_ALPHA_FLAG = 0x10
const VP8L_ALPHA_BIT = 1 << 28 // after the 0x2f signature: 14 bits width-1, 14 bits height-1, then alpha_is_used

export function pngHasAlpha (bytes: Buffer): boolean {
  const colourType = bytes[PNG_COLOUR_TYPE_OFFSET]
  if (colourType === 4 || colourType === 6) return true
  for (let offset = PNG_FIRST_CHUNK; offset + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    if (type === 'tRNS') return true
    if (type === 'IDAT' || type === 'IEND') return false
    offset += 12 + length // length, type, data, CRC
  }
  return false
}

export function webpHasAlpha (bytes: Buffer): boolean {
  for (let offset = WEBP_FIRST_CHUNK; offset + 8 <= bytes.length;) {
    const type = bytes.toString('latin1', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    const body = offset + 8
    if (type === 'VP8X' && body < bytes.length && ((bytes[body] ?? 0) & VP8X_ALPHA_FLAG) !== 0) return true
    if (type === 'ALPH') return true
    if (type === 'VP8L') return body + 5 <= bytes.length && (bytes.readUInt32LE(body + 1) & VP8L_ALPHA_BIT) !== 0
    if (type === 'VP8 ') return false
    offset = body + size + (size % 2) // chunks are padded to an even size
  }
  return false
}

export function hasAlpha (bytes: Buffer, extension: 'png' | 'jpg' | 'webp'): boolean {
  if (extension === 'png') return pngHasAlpha(bytes)
  if (extension === 'webp') return webpHasAlpha(bytes)
  return false
}
