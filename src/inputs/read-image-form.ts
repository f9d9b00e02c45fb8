// Reads the multipart form of an edit or a variation as it streams: files into memory up to the
// upload limits (never further: the part over a limit is abandoned and the request is no longer
// read), text fields as strings, then the text fields converted and checked against the
// operation's schema. Nothing is written to disk. Every refusal names the field at fault.
import type { Multipart, MultipartFile, MultipartValue } from '@fastify/multipart'
import type { Static, TObject } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { editRequestSchema, MAX_EDIT_IMAGES, variationRequestSchema } from '../schemas/edit.js'
import { firstFieldError } from '../validation/typebox-validator.js'
import { parserLimits, UPLOAD_SETTINGS, type UploadLimits } from './upload-limits.js'

export interface ImageFormSpec<S extends TObject> {
  /** The text fields (editRequestSchema / variationRequestSchema). */
  schema: S
  /** File fields that hold input images, e.g. `image` and `image[]` (the SDK's form for several). */
  imageFields: readonly string[]
  /** The file field of the mask, when the operation takes one. */
  maskField?: string
  /** Most images this operation takes (a variation: 1); one more is a 400. UPLOAD_MAX_FILES is the 413. */
  maxImages: number
  limits: UploadLimits
  /** What else the endpoint accepts, for the 415's message (an edit: application/json). */
  alsoAccepts?: string
}

/** One uploaded file, as received. */
export interface ReceivedFile {
  /** The form field it came in (`image`, `image[]`, `mask`). */
  field: string
  bytes: Buffer
}

export interface ImageForm<T> {
  fields: T
  /** In the order received; never empty. */
  images: ReceivedFile[]
  mask?: ReceivedFile
}

export function editFormSpec (promptMaxLength: number, limits: UploadLimits): ImageFormSpec<ReturnType<typeof editRequestSchema>> {
  return { schema: editRequestSchema(promptMaxLength), imageFields: ['image', 'image[]'], maskField: 'mask', maxImages: MAX_EDIT_IMAGES, limits, alsoAccepts: 'application/json (inputs by reference)' }
}

export function variationFormSpec (limits: UploadLimits): ImageFormSpec<ReturnType<typeof variationRequestSchema>> {
  return { schema: variationRequestSchema(), imageFields: ['image'], maxImages: 1, limits }
}

// busboy's and @fastify/multipart's errors that can still surface (ours always answer first).
const PARSER_LIMIT_CODES = new Set(['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT'])

export async function readImageForm<S extends TObject> (request: FastifyRequest, spec: ImageFormSpec<S>): Promise<ImageForm<Static<S>>> {
  if (typeof request.isMultipart !== 'function' || !request.isMultipart()) {
    const accepted = ['multipart/form-data', ...(spec.alsoAccepts !== undefined ? [spec.alsoAccepts] : [])].join(' or ')
    throw new GatewayError('multipart_expected', { message: `Content-Type must be ${accepted}.` })
  }
  const reader = new FormReader(spec)
  try {
    for await (const part of request.parts(parserLimitsOption(spec.limits))) await reader.take(part)
  } catch (error) {
    throw asGatewayError(error)
  }
  return reader.finish()
}

function parserLimitsOption (limits: UploadLimits) {
  return { limits: parserLimits(limits) }
}

class FormReader<S extends TObject> {
  readonly #spec: ImageFormSpec<S>
  readonly #text = new Map<string, string>()
  readonly #images: ReceivedFile[] = []
  #mask: ReceivedFile | undefined
  #fileBytes = 0

  constructor (spec: ImageFormSpec<S>) {
    this.#spec = spec
  }

  async take (part: Multipart): Promise<void> {
    if (part.type === 'file') await this.#takeFile(part)
    else this.#takeText(part)
  }

  #takeText (part: MultipartValue): void {
    const name = part.fieldname
    if (this.#isFileField(name)) throw invalid(name, `'${name}' must be sent as a file.`)
    if (part.fieldnameTruncated || !Object.hasOwn(this.#spec.schema.properties, name)) throw invalid(name, `Unrecognized request argument supplied: ${name}`)
    if (this.#text.has(name)) throw invalid(name, `'${name}' was given more than once.`)
    if (part.valueTruncated) throw tooLarge(name, `'${name}' is longer than the ${this.#spec.limits.fieldMaxBytes} bytes a text field may hold (${UPLOAD_SETTINGS.fieldMaxBytes}).`)
    this.#text.set(name, String(part.value))
  }

  async #takeFile (part: MultipartFile): Promise<void> {
    const name = part.fieldname
    const isMask = name === this.#spec.maskField
    if (!isMask && !this.#spec.imageFields.includes(name)) {
      part.file.destroy()
      const reason = Object.hasOwn(this.#spec.schema.properties, name) ? `'${name}' must be a text field, not a file.` : `Unrecognized file field: ${name}`
      throw invalid(name, reason)
    }
    if (isMask && this.#mask !== undefined) {
      part.file.destroy()
      throw invalid(name, `'${name}' was given more than once.`)
    }
    if (!isMask) this.#checkRoomForImage(part)
    const received = { field: name, bytes: await this.#readFile(part) }
    if (isMask) this.#mask = received
    else this.#images.push(received)
  }

  #checkRoomForImage (part: MultipartFile): void {
    const { maxImages, limits } = this.#spec
    if (this.#images.length >= Math.min(maxImages, limits.maxFiles)) part.file.destroy()
    if (this.#images.length >= maxImages) throw invalid(part.fieldname, `At most ${maxImages} image${maxImages === 1 ? '' : 's'} may be given.`)
    if (this.#images.length >= limits.maxFiles) {
      throw tooLarge(part.fieldname, `More than ${limits.maxFiles} input images were uploaded; this gateway takes at most ${limits.maxFiles} per request (${UPLOAD_SETTINGS.maxFiles}).`)
    }
  }

  // Chunks are kept only while both limits hold; past either, the part is destroyed, which stops
  // the parser reading the request (the 413 then closes the connection).
  async #readFile (part: MultipartFile): Promise<Buffer> {
    const { fileMaxBytes, totalMaxBytes } = this.#spec.limits
    const chunks: Buffer[] = []
    let fileBytes = 0
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      fileBytes += chunk.length
      this.#fileBytes += chunk.length
      if (fileBytes > fileMaxBytes) {
        part.file.destroy()
        throw tooLarge(part.fieldname, `A file in '${part.fieldname}' is larger than the ${fileMaxBytes} bytes one file may have (${UPLOAD_SETTINGS.fileMaxBytes}).`)
      }
      if (this.#fileBytes > totalMaxBytes) {
        part.file.destroy()
        throw tooLarge(part.fieldname, `The uploaded files pass the ${totalMaxBytes} bytes one request may upload in all at '${part.fieldname}' (${UPLOAD_SETTINGS.totalMaxBytes}).`)
      }
      chunks.push(chunk)
    }
    return Buffer.concat(chunks, fileBytes)
  }

  #isFileField (name: string): boolean {
    return name === this.#spec.maskField || this.#spec.imageFields.includes(name)
  }

  finish (): ImageForm<Static<S>> {
    const [firstImageField = 'image'] = this.#spec.imageFields
    if (this.#images.length === 0) throw invalid(firstImageField, `Missing required parameter: '${firstImageField}'.`)
    const { schema } = this.#spec
    const converted = Value.Convert(schema, Object.fromEntries(this.#text))
    const fieldError = firstFieldError(schema, converted)
    if (fieldError !== undefined) throw new GatewayError('invalid_value', { param: fieldError.param, message: fieldError.message })
    return { fields: converted as Static<S>, images: this.#images, ...(this.#mask !== undefined ? { mask: this.#mask } : {}) }
  }
}

function invalid (param: string, message: string): GatewayError {
  return new GatewayError('invalid_value', { param, message })
}

function tooLarge (param: string, message: string): GatewayError {
  return new GatewayError('upload_too_large', { param, message })
}

function asGatewayError (error: unknown): unknown {
  if (error instanceof GatewayError) return error
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && PARSER_LIMIT_CODES.has(code)) {
    return new GatewayError('upload_too_large', { message: 'The form has more parts than this gateway accepts.', cause: error })
  }
  if (code === 'FST_MP_PREMATURE_CLOSE') return new GatewayError('request_aborted', { cause: error })
  // busboy's own words for a body that is not a well-formed form (fixed texts, nothing echoed).
  const reason = error instanceof Error ? error.message : 'unreadable'
  return new GatewayError('invalid_value', { message: `The multipart body is malformed: ${reason}.`, cause: error })
}
