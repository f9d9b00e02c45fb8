// Decides from the bytes alone whether an upstream gave us a whole image, of which type and size.
// The upstream's declared content type is never trusted: magic bytes decide, and a missing
// end-of-image marker means a truncated transfer.
import { imageSize } from 'image-size'

export interface ImageFacts {
  contentType: string
  extension: 'png' | 'jpg' | 'webp' | 'gif'
  width: number
  height: number
}

export class NotAnImageError extends Error {
  constructor (reason: string) {
    super(reason)
    this.name = 'NotAnImageError'
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const PNG_IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82])

function startsWith (bytes: Buffer, prefix: Buffer | string, offset = 0): boolean {
  const expected = typeof prefix === 'string' ? Buffer.from(prefix, 'latin1') : prefix
  return bytes.length >= offset + expected.length && bytes.subarray(offset, offset + expected.length).equals(expected)
}

function detectType (bytes: Buffer): Omit<ImageFacts, 'width' | 'height'> {
  if (startsWith(bytes, PNG_SIGNATURE)) {
    if (!bytes.subarray(-PNG_IEND.length).equals(PNG_IEND)) throw new NotAnImageError('PNG is truncated (no IEND chunk)')
    return { contentType: 'image/png', extension: 'png' }
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    // Some encoders pad after the end-of-image marker; look for it near the end.
    const tail = bytes.subarray(-32)
    if (!tail.includes(Buffer.from([0xff, 0xd9]))) throw new NotAnImageError('JPEG is truncated (no end-of-image marker)')
    return { contentType: 'image/jpeg', extension: 'jpg' }
  }
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) {
    const riffSize = bytes.readUInt32LE(4)
    if (bytes.length < riffSize + 8) throw new NotAnImageError('WebP is truncated (shorter than its RIFF size)')
    return { contentType: 'image/webp', extension: 'webp' }
  }
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) {
    if (bytes[bytes.length - 1] !== 0x3b) throw new NotAnImageError('GIF is truncated (no trailer)')
    return { contentType: 'image/gif', extension: 'gif' }
  }
  throw new NotAnImageError('bytes are not a PNG, JPEG, WebP or GIF image')
}

export function inspectImage (bytes: Buffer): ImageFacts {
  const type = detectType(bytes)
  let dimensions: { width?: number, height?: number }
  try {
    dimensions = imageSize(bytes)
  } catch (error) {
    throw new NotAnImageError(`unreadable ${type.extension} header: ${(error as Error).message}`)
  }
  if (!dimensions.width || !dimensions.height) throw new NotAnImageError('image has no dimensions')
  return { ...type, width: dimensions.width, height: dimensions.height }
}
