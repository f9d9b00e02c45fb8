// Validates and normalises a provider's images answer before anything is stored or charged: a
// wrong type in a field we must have is upstream_malformed_response; a wrong type in an optional
// field that is only echoed back is dropped with a warning (docs/upstreams.md, "Provider answers").
// Whatever comes out matches the gateway's own response and manifest schemas.
import { Value } from '@sinclair/typebox/value'
import { GatewayError } from '../errors/gateway-error.js'
import {
  ProviderCreated, ProviderEcho, ProviderImagesAnswer, ProviderImageUrl, ProviderTokenCount, REVISED_PROMPT_MAX_LENGTH
} from '../schemas/provider-answer.js'
import type { ImagesAnswer } from './images-answer.js'
import type { UpstreamAnswer, UpstreamImage, UpstreamUsage } from './upstream.js'

export interface AnswerBounds {
  /** Images asked for: an answer with more is refused (the quota counted only these). */
  imagesAsked: number
  /** Largest decoded inline image. */
  imageMaxBytes: number
}

export type CheckedAnswer = Omit<UpstreamAnswer, 'requestId' | 'latencyMs'>

export interface CheckResult {
  answer: CheckedAnswer
  /** One line per dropped or changed field: its path and why, never its value. */
  warnings: string[]
}

type Fields = Record<string, unknown>

export function checkImagesAnswer ({ body, imageBytes }: ImagesAnswer, bounds: AnswerBounds, now = Date.now()): CheckResult {
  const raw: unknown = body
  if (!Value.Check(ProviderImagesAnswer, raw)) {
    const first = Value.Errors(ProviderImagesAnswer, raw).First()
    throw new GatewayError('upstream_malformed_response', { message: `The image provider's answer is malformed (${first?.path || '/'}: ${first?.message ?? 'not an object'}).` })
  }
  const fields = raw as Fields & { data: Fields[] }
  if (fields.data.length > bounds.imagesAsked) {
    throw new GatewayError('upstream_malformed_response', { message: `The image provider answered with ${fields.data.length} images where ${bounds.imagesAsked} were asked for.` })
  }
  const warnings: string[] = []
  const images = fields.data.map((item, index) => toImage(item, imageBytes[index], index, bounds, warnings))
  let created = fields.created
  if (!Value.Check(ProviderCreated, created)) {
    warnings.push(`created: ${describe(created)}, replaced by the time of arrival`)
    created = Math.floor(now / 1000)
  }
  return {
    answer: {
      created: created as number,
      images,
      ...optional('usage', usageOf(fields.usage, warnings)),
      described: {
        ...optional('size', echo(fields, 'size', warnings)),
        ...optional('quality', echo(fields, 'quality', warnings)),
        ...optional('output_format', echo(fields, 'output_format', warnings)),
        ...optional('background', echo(fields, 'background', warnings))
      }
    },
    warnings
  }
}

function toImage (item: Fields, bytes: Buffer | undefined, index: number, bounds: AnswerBounds, warnings: string[]): UpstreamImage {
  if (bytes !== undefined && bytes.length > bounds.imageMaxBytes) {
    throw new GatewayError('upstream_image_too_large', { message: `The image provider's image ${index} is larger than ${bounds.imageMaxBytes} bytes.` })
  }
  const image: UpstreamImage = {}
  if (bytes !== undefined) image.bytes = bytes
  if (item.url !== undefined && item.url !== null) {
    if (Value.Check(ProviderImageUrl, item.url)) image.url = item.url
    else warnings.push(`data/${index}/url: ${describe(item.url)}, dropped`)
  }
  const revisedPrompt = item.revised_prompt
  if (typeof revisedPrompt === 'string') {
    if (revisedPrompt.length > REVISED_PROMPT_MAX_LENGTH) warnings.push(`data/${index}/revised_prompt: ${revisedPrompt.length} characters, truncated to ${REVISED_PROMPT_MAX_LENGTH}`)
    image.revisedPrompt = revisedPrompt.slice(0, REVISED_PROMPT_MAX_LENGTH)
  } else if (revisedPrompt !== undefined && revisedPrompt !== null) {
    warnings.push(`data/${index}/revised_prompt: ${describe(revisedPrompt)}, dropped`)
  }
  return image
}

const TOKEN_FIELDS = ['input_tokens', 'output_tokens', 'total_tokens'] as const
const DETAIL_FIELDS = ['text_tokens', 'image_tokens'] as const

// Usage feeds records and cost reports: a count we cannot trust is left out, never guessed.
function usageOf (usage: unknown, warnings: string[]): UpstreamUsage | undefined {
  if (usage === undefined || usage === null) return undefined
  if (!isFields(usage)) {
    warnings.push(`usage: ${describe(usage)}, dropped`)
    return undefined
  }
  const checked: UpstreamUsage = {}
  for (const name of TOKEN_FIELDS) {
    const count = tokenCount(usage, name, `usage/${name}`, warnings)
    if (count !== undefined) checked[name] = count
  }
  const details = usage.input_tokens_details
  if (isFields(details)) {
    const checkedDetails: NonNullable<UpstreamUsage['input_tokens_details']> = {}
    for (const name of DETAIL_FIELDS) {
      const count = tokenCount(details, name, `usage/input_tokens_details/${name}`, warnings)
      if (count !== undefined) checkedDetails[name] = count
    }
    checked.input_tokens_details = checkedDetails
  } else if (details !== undefined && details !== null) {
    warnings.push(`usage/input_tokens_details: ${describe(details)}, dropped`)
  }
  return checked
}

function tokenCount (fields: Fields, name: string, path: string, warnings: string[]): number | undefined {
  const value = fields[name]
  if (value === undefined || value === null) return undefined
  if (Value.Check(ProviderTokenCount, value)) return value
  warnings.push(`${path}: ${describe(value)}, dropped`)
  return undefined
}

function echo (fields: Fields, name: string, warnings: string[]): string | undefined {
  const value = fields[name]
  if (value === undefined || value === null) return undefined
  if (Value.Check(ProviderEcho, value)) return value
  warnings.push(`${name}: ${describe(value)}, dropped`)
  return undefined
}

function optional<K extends string, V> (name: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : { [name]: value } as Record<K, V>
}

function isFields (value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// The kind of a wrong value, never the value: provider text may be long, or hold secrets.
function describe (value: unknown): string {
  if (value === undefined) return 'missing'
  if (typeof value === 'string') return `a string of ${value.length} characters`
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an out-of-range number' : 'a non-integer number'
  return `a ${typeof value}`
}
