// What each operation sends the provider through the SDK: the request's fields as policy left
// them, the provider's response_format chosen by the gateway, the input images as files, and
// `stream` / `partial_images` only when the call streams.
import { toFile } from 'openai'
import type { ImageCreateVariationParams, ImageEditParamsBase, ImageGenerateParamsBase } from 'openai/resources/images'
import type { EditInputs, InputImage } from '../inputs/input-image.js'
import type { ProviderRequest } from './upstream.js'

export type ResponseFormatSetting = 'auto' | 'b64_json' | 'url' | 'omit'

/** Set when the call streams: how many partial images to ask for (the provider's default when unset). */
export interface StreamAsk { partialImages?: number }

// The fields a variation takes (dall-e-2's endpoint knows no others).
const VARIATION_FIELDS = ['model', 'n', 'size', 'user'] as const

// The caller's response_format is about the gateway's answer, not the provider's. GPT image models
// always answer base64 and reject the parameter; dall-e models default to URLs, so `auto` asks them
// for base64: one round trip, and no expiring URL to race against.
export function providerResponseFormat (model: string, setting: ResponseFormatSetting): 'b64_json' | 'url' | undefined {
  const asked = setting === 'auto' ? (model.startsWith('dall-e') ? 'b64_json' : 'omit') : setting
  return asked === 'omit' ? undefined : asked
}

export function generateParams (request: ProviderRequest, setting: ResponseFormatSetting, stream?: StreamAsk): ImageGenerateParamsBase {
  // A plain call leaves `stream` out (false is OpenAI's default): providers that cannot stream
  // refuse the parameter whatever its value.
  return sentFields(request, setting, stream) as unknown as ImageGenerateParamsBase
}

export async function editParams (request: ProviderRequest, inputs: EditInputs | undefined, setting: ResponseFormatSetting, stream?: StreamAsk): Promise<ImageEditParamsBase> {
  const images = await Promise.all(inputsOf(inputs, 'edit').images.map(asFile))
  // One image goes as `image`, several as `image[]` parts (the SDK's encoding of an array).
  const params: Record<string, unknown> = { ...sentFields(request, setting, stream), image: images.length === 1 ? images[0] : images }
  if (inputs?.mask !== undefined) params.mask = await asFile(inputs.mask)
  return params as unknown as ImageEditParamsBase
}

export async function variationParams (request: ProviderRequest, inputs: EditInputs | undefined, setting: ResponseFormatSetting): Promise<ImageCreateVariationParams> {
  const image = inputsOf(inputs, 'variation').images[0] as InputImage
  const params: Record<string, unknown> = { image: await asFile(image) }
  for (const name of VARIATION_FIELDS) if (request[name] !== undefined && request[name] !== null) params[name] = request[name]
  const responseFormat = providerResponseFormat(request.model, setting)
  if (responseFormat !== undefined) params.response_format = responseFormat
  return params as unknown as ImageCreateVariationParams
}

function sentFields (request: ProviderRequest, setting: ResponseFormatSetting, stream: StreamAsk | undefined): Record<string, unknown> {
  const { response_format: _callerFormat, stream: _stream, partial_images: _partials, ...rest } = request
  // A multipart form has no null; an absent field is the provider's default anyway.
  const fields: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined && value !== null))
  const responseFormat = providerResponseFormat(request.model, setting)
  if (responseFormat !== undefined) fields.response_format = responseFormat
  if (stream !== undefined) fields.stream = true
  if (stream?.partialImages !== undefined) fields.partial_images = stream.partialImages
  return fields
}

function inputsOf (inputs: EditInputs | undefined, operation: string): EditInputs {
  if (inputs === undefined || inputs.images.length === 0) throw new TypeError(`An ${operation} call needs at least one input image.`)
  return inputs
}

async function asFile (image: InputImage): Promise<File> {
  return await toFile(image.bytes, image.fileName, { type: image.contentType })
}
