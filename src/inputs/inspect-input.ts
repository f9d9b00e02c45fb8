// Turns the bytes of one input (uploaded, or read from storage) into an InputImage: the magic bytes
// and a whole image decide the type (PNG, JPEG or WebP; a GIF or anything else is refused), the
// header's dimensions must be within IMAGE_MAX_PIXELS, then alpha and the sha256. No pixel is decoded.
import { createHash } from 'node:crypto'
import { GatewayError } from '../errors/gateway-error.js'
import { checkImageDimensions } from '../images/check-image-dimensions.js'
import { inspectImage, NotAnImageError, type ImageFacts } from '../images/inspect-image.js'
import { hasAlpha } from './image-alpha.js'
import type { EditInputs, InputImage } from './input-image.js'
import type { ImageForm, ReceivedFile } from './read-image-form.js'

export interface InspectOptions {
  /** The request field the bytes came in, named by a refusal. */
  param: string
  /** The name the provider is sent (`image-0.png`, `mask.png`); `<ext>` is replaced by the type's. */
  fileName: string
  maxPixels: number
  /** The bytes' sha256 when the caller has just computed it (hashing 50 MB twice costs). */
  sha256?: string
}

type InputFacts = ImageFacts & Pick<InputImage, 'contentType' | 'extension'>

export function inspectInput (bytes: Buffer, options: InspectOptions): InputImage {
  const facts = readFacts(bytes, options)
  return {
    bytes,
    contentType: facts.contentType,
    extension: facts.extension,
    width: facts.width,
    height: facts.height,
    hasAlpha: hasAlpha(bytes, facts.extension),
    sha256: options.sha256 ?? sha256Of(bytes),
    fileName: options.fileName.replace('<ext>', facts.extension)
  }
}

export function sha256Of (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The input file name for the image at `index`: `image-<index>.<ext>`. */
export function imageFileName (index: number): string {
  return `image-${index}.<ext>`
}

export const MASK_FILE_NAME = 'mask.png'

/**
 * The images and mask of a multipart form, inspected. An image is named `image` when it is the only
 * one, else `image[<i>]` (its place among the images), so a refusal says which.
 */
export function inspectForm (form: Pick<ImageForm<unknown>, 'images' | 'mask'>, maxPixels: number): EditInputs {
  const images = form.images.map((file, index) => inspectInput(file.bytes, { param: imageParam(form.images, file, index), fileName: imageFileName(index), maxPixels }))
  if (form.mask === undefined) return { images }
  return { images, mask: inspectInput(form.mask.bytes, { param: form.mask.field, fileName: MASK_FILE_NAME, maxPixels }) }
}

function imageParam (images: ReceivedFile[], file: ReceivedFile, index: number): string {
  return images.length === 1 ? file.field : `image[${index}]`
}

function readFacts (bytes: Buffer, options: InspectOptions): InputFacts {
  let facts: ImageFacts
  try {
    facts = inspectImage(bytes)
    checkImageDimensions(facts, { maxPixels: options.maxPixels })
  } catch (error) {
    if (!(error instanceof NotAnImageError)) throw error
    throw new GatewayError('invalid_input_image', { param: options.param, message: `'${options.param}' is not a usable image: ${error.message}. Send a whole PNG, JPEG or WebP image.`, cause: error })
  }
  if (facts.extension === 'gif') {
    throw new GatewayError('invalid_input_image', { param: options.param, message: `'${options.param}' is a GIF; input images must be PNG, JPEG or WebP.` })
  }
  return facts as InputFacts
}
