// The rules input images must follow beyond being images, as OpenAI states them: a mask is a PNG
// with alpha, the first image's size and under 4 MB; dall-e-2 edits and every variation take one
// square PNG under 4 MB; GPT image models take up to 16 images. The dall-e-2 rule depends on the
// model the request resolves to (policy fills in the default), so the use case calls these once
// it knows the model. Each refusal is a 400 naming the field.
import { GatewayError } from '../errors/gateway-error.js'
import { MAX_EDIT_IMAGES } from '../schemas/edit.js'
import type { EditInputs, InputImage } from './input-image.js'

/** "Less than 4MB" in OpenAI's words, read as 4 MiB. */
export const DALL_E_2_MAX_BYTES = 4 * 1024 * 1024

/** The request fields refusals name: `image` and `mask` for forms; a JSON edit by reference names `images`. */
export interface InputParams {
  image: string
  mask: string
}

const FORM_PARAMS: InputParams = { image: 'image', mask: 'mask' }

/** Whether a model takes dall-e-2's inputs (one square PNG): exactly the model named dall-e-2. */
export function followsDallE2InputRules (model: string): boolean {
  return model === 'dall-e-2'
}

export function checkEditInputs (inputs: EditInputs, model: string, params: InputParams = FORM_PARAMS): void {
  const [first] = inputs.images
  if (first === undefined) throw refused(params.image, `Missing required parameter: '${params.image}'.`)
  if (followsDallE2InputRules(model)) {
    if (inputs.images.length !== 1) throw refused(params.image, `${model} edits take exactly one image; ${inputs.images.length} were given.`)
    checkSquarePng(first, params.image, `${model} edits`)
  } else if (inputs.images.length > MAX_EDIT_IMAGES) {
    throw refused(params.image, `At most ${MAX_EDIT_IMAGES} images may be given; ${inputs.images.length} were given.`)
  }
  if (inputs.mask !== undefined) checkMask(inputs.mask, first, params.mask)
}

export function checkVariationInputs (inputs: EditInputs, params: InputParams = FORM_PARAMS): void {
  const [first] = inputs.images
  if (first === undefined) throw refused(params.image, `Missing required parameter: '${params.image}'.`)
  if (inputs.images.length !== 1) throw refused(params.image, `Variations take exactly one image; ${inputs.images.length} were given.`)
  checkSquarePng(first, params.image, 'Variations')
}

export function checkMask (mask: InputImage, firstImage: InputImage, param = 'mask'): void {
  if (mask.contentType !== 'image/png') throw refused(param, `The mask must be a PNG; this one is ${mask.contentType}.`)
  if (!mask.hasAlpha) throw refused(param, 'The mask must have an alpha channel: its fully transparent pixels mark where to edit.')
  if (mask.width !== firstImage.width || mask.height !== firstImage.height) {
    throw refused(param, `The mask must have the first image's dimensions (${firstImage.width}x${firstImage.height}); it is ${mask.width}x${mask.height}.`)
  }
  if (mask.bytes.length >= DALL_E_2_MAX_BYTES) throw refused(param, `The mask must be under 4 MB (${DALL_E_2_MAX_BYTES} bytes); it has ${mask.bytes.length}.`)
}

function checkSquarePng (image: InputImage, param: string, who: string): void {
  if (image.contentType !== 'image/png') throw refused(param, `${who} take a PNG; this image is ${image.contentType}.`)
  if (image.width !== image.height) throw refused(param, `${who} take a square image; this one is ${image.width}x${image.height}.`)
  if (image.bytes.length >= DALL_E_2_MAX_BYTES) throw refused(param, `${who} take an image under 4 MB (${DALL_E_2_MAX_BYTES} bytes); this one has ${image.bytes.length}.`)
}

function refused (param: string, message: string): GatewayError {
  return new GatewayError('invalid_input_image', { param, message })
}
