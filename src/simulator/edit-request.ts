// Reads an images.edit or images.createVariation form the way the provider does: values arrive as
// strings, files are checked (type, format, size, count, square for dall-e-2, the mask's
// dimensions) and each problem is a 400 naming its parameter.
import sharp from 'sharp'
import { readRequest, SimulatorInputError, type SimulatedRequest } from './generation.js'
import { isImageField } from './input-record.js'
import type { MultipartForm, UploadedFile } from './multipart-form.js'

export interface DecodedInput {
  bytes: Buffer
  width: number
  height: number
}

export interface EditRequest {
  request: SimulatedRequest
  images: DecodedInput[]
  mask?: DecodedInput
}

const MAX_IMAGES = 16
const MB = 1024 * 1024
const DALL_E_2_MAX_BYTES = 4 * MB
const GPT_IMAGE_MAX_BYTES = 50 * MB
const ACCEPTED_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp'])
const DALL_E_2_SIZES = new Set(['256x256', '512x512', '1024x1024'])
// size `auto` on an edit answers the first input's shape, no larger than this on its longer side.
const AUTO_SIZE_MAX_SIDE = 1536
const MIN_SIDE = 16

/** Form strings turned into the JSON types a generation body has, so one reader checks both. */
function typedValues (fields: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = { ...fields }
  for (const name of ['n', 'output_compression', 'partial_images']) {
    const raw = fields[name]
    if (raw !== undefined) values[name] = /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw
  }
  if (fields.stream === 'true' || fields.stream === 'false') values.stream = fields.stream === 'true'
  return values
}

async function decode (file: UploadedFile, param: string, position: number, maxBytes: number): Promise<DecodedInput & { format: string }> {
  if (!ACCEPTED_TYPES.has(file.contentType)) {
    throw new SimulatorInputError(param, `Invalid file '${param}': unsupported mimetype ('${file.contentType || 'application/octet-stream'}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`, 'unsupported_file')
  }
  if (file.bytes.length >= maxBytes) throw new SimulatorInputError(param, `Image ${position} is too large: it must be under ${maxBytes / MB} MB.`)
  const metadata = await sharp(file.bytes).metadata().catch(() => undefined)
  if (metadata === undefined || !['png', 'jpeg', 'webp'].includes(metadata.format ?? '') || metadata.width === undefined || metadata.height === undefined) {
    throw new SimulatorInputError(param, `Invalid image file or mode for image ${position}, please check your image file.`)
  }
  return { bytes: file.bytes, format: metadata.format, width: metadata.width, height: metadata.height }
}

function requireOneSquarePng (image: DecodedInput & { format: string }): void {
  if (image.format !== 'png') throw new SimulatorInputError('image', 'Uploaded image must be a PNG and less than 4 MB.')
  if (image.width !== image.height) throw new SimulatorInputError('image', 'Uploaded image must be square.')
}

function autoSizeFor (image: DecodedInput): { width: number, height: number } {
  const scale = Math.min(1, AUTO_SIZE_MAX_SIDE / Math.max(image.width, image.height))
  return { width: Math.max(MIN_SIDE, Math.round(image.width * scale)), height: Math.max(MIN_SIDE, Math.round(image.height * scale)) }
}

export async function readEditRequest (form: MultipartForm): Promise<EditRequest> {
  const { fields } = form
  if (fields.prompt === undefined || fields.prompt === '') throw new SimulatorInputError('prompt', "Missing required parameter: 'prompt'.", 'missing_required_parameter')
  if (fields.image !== undefined || fields['image[]'] !== undefined) throw new SimulatorInputError('image', "'image' must be a file, not a text field.")
  const model = fields.model ?? 'gpt-image-1'
  if (model === 'dall-e-3') throw new SimulatorInputError('model', "The model 'dall-e-3' does not support image edits.")
  const dallE2 = model === 'dall-e-2'
  const files = form.files.filter((file) => isImageField(file.field))
  if (files.length === 0) throw new SimulatorInputError('image', "Missing required parameter: 'image'.", 'missing_required_parameter')
  if (files.length > MAX_IMAGES) throw new SimulatorInputError('image', `Too many images: at most ${MAX_IMAGES} are accepted, got ${files.length}.`)
  if (dallE2 && files.length > 1) throw new SimulatorInputError('image', "The model 'dall-e-2' takes exactly one image.")
  const images = []
  for (const [index, file] of files.entries()) images.push(await decode(file, 'image', index + 1, dallE2 ? DALL_E_2_MAX_BYTES : GPT_IMAGE_MAX_BYTES))
  const first = images[0] as DecodedInput & { format: string }
  if (dallE2) requireOneSquarePng(first)

  const maskFile = form.files.find((file) => file.field === 'mask')
  let mask: DecodedInput | undefined
  if (maskFile !== undefined) {
    const decoded = await decode(maskFile, 'mask', 1, DALL_E_2_MAX_BYTES)
    if (decoded.format !== 'png') throw new SimulatorInputError('mask', 'The mask must be a PNG and less than 4 MB.')
    if (decoded.width !== first.width || decoded.height !== first.height) {
      throw new SimulatorInputError('mask', `The mask (${decoded.width}x${decoded.height}) must have the same dimensions as the image (${first.width}x${first.height}).`)
    }
    mask = decoded
  }

  if (fields.input_fidelity !== undefined && fields.input_fidelity !== 'high' && fields.input_fidelity !== 'low') {
    throw new SimulatorInputError('input_fidelity', "input_fidelity must be 'high' or 'low'.")
  }
  if (dallE2 && fields.size !== undefined && !DALL_E_2_SIZES.has(fields.size)) {
    throw new SimulatorInputError('size', `Invalid size ${JSON.stringify(fields.size)}: dall-e-2 takes 256x256, 512x512 or 1024x1024.`)
  }
  const request = readRequest(typedValues(fields), { autoSize: dallE2 ? { width: 1024, height: 1024 } : autoSizeFor(first) })
  return { request, images, ...(mask !== undefined ? { mask } : {}) }
}

export interface VariationRequest {
  request: SimulatedRequest
  image: DecodedInput
}

export async function readVariationRequest (form: MultipartForm): Promise<VariationRequest> {
  const files = form.files.filter((file) => isImageField(file.field))
  if (files.length === 0) throw new SimulatorInputError('image', "Missing required parameter: 'image'.", 'missing_required_parameter')
  if (files.length > 1) throw new SimulatorInputError('image', 'A variation takes exactly one image.')
  const image = await decode(files[0] as UploadedFile, 'image', 1, DALL_E_2_MAX_BYTES)
  requireOneSquarePng(image)
  const values = typedValues(form.fields)
  const size = form.fields.size ?? '1024x1024'
  if (!DALL_E_2_SIZES.has(size)) throw new SimulatorInputError('size', `Invalid size ${JSON.stringify(size)}: variations take 256x256, 512x512 or 1024x1024.`)
  // Variations have no prompt, stream or output_format: the shared reader checks n and
  // response_format, the rest is fixed (dall-e-2 answers PNG).
  const request = readRequest({ n: values.n, size, response_format: values.response_format, model: form.fields.model ?? 'dall-e-2', prompt: 'variation' })
  return { request: { ...request, prompt: '', format: 'png', compression: 100, quality: 'standard', stream: false, partialImages: 0 }, image }
}
