// Reads an images.generate answer from its raw bytes without turning megabytes of base64 into
// JavaScript strings twice (UTF-8 decode, then JSON.parse): each `b64_json` value is cut out of the
// bytes and decoded straight into a Buffer, and only the small rest of the answer is JSON-parsed.
// Anything unusual (escapes inside a value, the key somewhere other than `data[i]`) falls back to
// parsing the whole answer, so the result is always what JSON.parse would have given.
import type { ImagesResponse } from 'openai/resources/images'

export interface ImagesAnswer {
  /** The answer with every `b64_json` taken out (as if absent). */
  body: ImagesResponse
  /** Decoded `b64_json` of each `data` item; undefined where the item had none (or an empty one). */
  imageBytes: Array<Buffer | undefined>
}

const KEY = Buffer.from('"b64_json"')
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a

// 64 KiB of base64 text (a multiple of 4) per piece: small strings, quickly collected.
const DECODE_PIECE = 64 * 1024

/**
 * Decodes base64 text held in bytes[start, end) a piece at a time, without one string of it all.
 * When the text is not plain base64 (some character skipped), it is decoded as one string
 * instead, so the bytes are always exactly what Buffer.from(text, 'base64') gives.
 */
export function decodeBase64 (bytes: Buffer, start: number, end: number): Buffer {
  const length = end - start
  const padding = length === 0 ? 0 : bytes[end - 1] !== 0x3d ? 0 : bytes[end - 2] === 0x3d ? 2 : 1
  const expected = Math.floor(((length - padding) * 3) / 4)
  const decoded = Buffer.allocUnsafe(expected)
  let written = 0
  for (let at = start; at < end; at += DECODE_PIECE) {
    written += decoded.write(bytes.toString('latin1', at, Math.min(end, at + DECODE_PIECE)), written, 'base64')
  }
  if (written === expected) return decoded
  return Buffer.from(bytes.toString('latin1', start, end), 'base64')
}

function skipWhitespace (bytes: Buffer, index: number): number {
  let at = index
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)) at++
  return at
}

/** The byte ranges of every plain `"b64_json": "<value>"` string value, or undefined when unsure. */
export function base64Ranges (bytes: Buffer): Array<[number, number]> | undefined {
  const ranges: Array<[number, number]> = []
  for (let at = bytes.indexOf(KEY); at !== -1; at = bytes.indexOf(KEY, at + KEY.length)) {
    let cursor = skipWhitespace(bytes, at + KEY.length)
    if (bytes[cursor] !== COLON) continue // the text inside some other value, not a key
    cursor = skipWhitespace(bytes, cursor + 1)
    if (bytes[cursor] !== QUOTE) return undefined // null or another type: let JSON.parse decide
    const start = cursor + 1
    const end = bytes.indexOf(QUOTE, start)
    if (end === -1 || bytes.subarray(start, end).includes(BACKSLASH)) return undefined
    ranges.push([start, end])
    at = end
  }
  return ranges
}

// Any JSON is read; whether its shape is acceptable is check-images-answer.ts's decision.
function parseWhole (bytes: Buffer): ImagesAnswer {
  const body = JSON.parse(bytes.toString('utf8')) as ImagesResponse
  const items: unknown[] = typeof body === 'object' && body !== null && Array.isArray(body.data) ? body.data : []
  const imageBytes = items.map((image) => {
    if (typeof image !== 'object' || image === null) return undefined
    const base64 = (image as { b64_json?: unknown }).b64_json
    delete (image as { b64_json?: unknown }).b64_json
    return typeof base64 === 'string' && base64.length > 0 ? Buffer.from(base64, 'base64') : undefined
  })
  return { body, imageBytes }
}

export function readImagesAnswer (bytes: Buffer): ImagesAnswer {
  const ranges = base64Ranges(bytes)
  if (ranges === undefined || ranges.length === 0) return parseWhole(bytes)
  // The answer with each value emptied: small enough that parsing it costs next to nothing.
  const pieces: string[] = []
  let from = 0
  for (const [start, end] of ranges) {
    pieces.push(bytes.toString('utf8', from, start))
    from = end
  }
  pieces.push(bytes.toString('utf8', from))
  const body = JSON.parse(pieces.join('')) as ImagesResponse
  if (typeof body !== 'object' || body === null) return parseWhole(bytes)
  // Every emptied value must be exactly one data item's b64_json, in order; otherwise start over.
  const items = Array.isArray(body.data) ? body.data : []
  const withBase64 = items.filter((image) => typeof image === 'object' && image !== null && image.b64_json !== undefined)
  if (withBase64.length !== ranges.length || withBase64.some((image) => image.b64_json !== '')) return parseWhole(bytes)
  let next = 0
  const imageBytes = items.map((image) => {
    if (typeof image !== 'object' || image === null || image.b64_json === undefined) return undefined
    const [start, end] = ranges[next++] as [number, number]
    delete image.b64_json
    return end > start ? decodeBase64(bytes, start, end) : undefined
  })
  return { body, imageBytes }
}
