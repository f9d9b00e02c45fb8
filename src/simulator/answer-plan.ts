// What an answer will hold, whichever operation made it: generations, edits and variations share
// the JSON answer builder and the event stream, so faults behave the same on all three.
import { randomBytes } from 'node:crypto'
import type { SimulatorFault } from './faults.js'
import type { SimulatedRequest, SimulatedUsage } from './generation.js'
import type { UrlStore } from './url-store.js'

export type SimulatedOperation = 'generate' | 'edit' | 'variation'

export interface AnswerPlan {
  operation: SimulatedOperation
  request: SimulatedRequest
  /** Image `index` of the answer, made on demand so a stream can start before the others exist. */
  image: (index: number) => Promise<Buffer>
  /** Names image `index` among everything the simulator makes (its partials are cached by it). */
  imageKey: (index: number) => string
  usage?: SimulatedUsage
  /** Whether the answer echoes size, quality, output_format, background (GPT image models do). */
  describesImages: boolean
  /** Whether each image carries a revised_prompt. */
  revisesPrompt: boolean
}

const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const
const NON_IMAGE = Buffer.from('<html><body>Service temporarily unavailable</body></html>')

/** How many images the answer holds once a fault has had its say. */
export function imageCount (plan: AnswerPlan, fault: SimulatorFault | undefined): number {
  return fault?.kind === 'zero-images' ? 0 : plan.request.n
}

/** The image's bytes as the fault wants them sent. */
export function faultedBytes (bytes: Buffer, fault: SimulatorFault | undefined): Buffer {
  return fault?.kind === 'non-image' ? NON_IMAGE : bytes
}

export function faultedBase64 (bytes: Buffer, fault: SimulatorFault | undefined): string {
  const b64 = faultedBytes(bytes, fault).toString('base64')
  return fault?.kind === 'truncated-base64' ? b64.slice(0, Math.floor(b64.length / 2)) : b64
}

export function imageSettings (plan: AnswerPlan) {
  const { request } = plan
  return { size: request.size, quality: request.quality, output_format: request.format }
}

export async function buildAnswer (plan: AnswerPlan, fault: SimulatorFault | undefined, created: number, urls: UrlStore, baseUrl: string) {
  const { request } = plan
  const images = await Promise.all(Array.from({ length: imageCount(plan, fault) }, async (_, index) => await plan.image(index)))
  const contentType = fault?.kind === 'non-image' ? 'text/html' : CONTENT_TYPES[request.format]
  const data = images.map((bytes) => {
    const revised = plan.revisesPrompt ? { revised_prompt: `A detailed rendering of: ${request.prompt}` } : {}
    if (request.responseFormat === 'url' || fault?.kind === 'url-404') {
      const name = fault?.kind === 'url-404' ? `missing-${randomBytes(6).toString('hex')}.png` : urls.add(faultedBytes(bytes, fault), contentType, request.format)
      return { url: `${baseUrl}/files/${name}`, ...revised }
    }
    return { b64_json: faultedBase64(bytes, fault), ...revised }
  })
  return {
    created,
    data,
    ...(plan.describesImages ? imageSettings(plan) : {}),
    ...(plan.describesImages && request.background !== undefined ? { background: request.background } : {}),
    ...(plan.usage !== undefined ? { usage: plan.usage } : {})
  }
}
