// Where a generation's files live in storage, and the ids that name them. Generation ids start
// with the time counted *down* in hex, so that ascending key order (the only order S3 lists in) is
// newest first; they end with 96 random bits so links can't be guessed.
import { randomBytes } from 'node:crypto'
import { MAX_IMAGES_PER_GENERATION } from '../schemas/provider-answer.js'

export const GENERATION_ID = /^gen_[0-9a-f]{12}[0-9a-f]{24}$/
// Image files are 0..MAX_IMAGES_PER_GENERATION-1 (a generation never holds more: n ≤ 10, and an
// answer with more images than asked is refused); two digits leave room, every stored index matches.
export const IMAGE_FILE = /^(\d{1,2})\.(png|jpg|webp|gif)$/
export const STORAGE_PREFIX = /^[a-z0-9][a-z0-9_-]{0,63}$/

const LAST_MILLISECOND = 0xffffffffffff // year 10889

export function newGenerationId (now = Date.now()): string {
  return `gen_${(LAST_MILLISECOND - now).toString(16).padStart(12, '0')}${randomBytes(12).toString('hex')}`
}

/** When the generation was created, read back from its id. */
export function generationTime (generationId: string): Date {
  return new Date(LAST_MILLISECOND - Number.parseInt(generationId.slice(4, 16), 16))
}

export function imageKey (prefix: string, generationId: string, index: number, extension: string): string {
  // A key no link could reach would be stored and never served.
  if (!Number.isInteger(index) || index < 0 || index >= MAX_IMAGES_PER_GENERATION) throw new RangeError(`image index ${index} is outside 0..${MAX_IMAGES_PER_GENERATION - 1}`)
  return `${prefix}/${generationId}/${index}.${extension}`
}

/**
 * An edit's or a variation's input, stored beside the outputs; no link reaches it (IMAGE_FILE does
 * not match), so inputs are kept for lineage, never published.
 */
export function inputKey (prefix: string, generationId: string, role: 'image' | 'mask', index: number, extension: string): string {
  return `${prefix}/${generationId}/${role === 'mask' ? 'mask' : `input-${index}`}.${extension}`
}

export function manifestKey (prefix: string, generationId: string): string {
  return `${prefix}/${generationId}/manifest.json`
}

export function isValidImagePath (prefix: string, generationId: string, fileName: string): boolean {
  return STORAGE_PREFIX.test(prefix) && GENERATION_ID.test(generationId) && IMAGE_FILE.test(fileName)
}
