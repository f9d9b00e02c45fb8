// The input images of an edit or a variation, from whichever form the caller used: a multipart
// upload (read while it streams, within the upload limits, then sniffed), or references to images
// this gateway stored (read from storage, never downloaded). Either way the route gets the validated
// fields and EditInputs; the rules that depend on the model (dall-e-2's one square PNG) are
// returned as a check the use case runs once the policy has settled the model.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { ManifestReader } from '../generation/manifest-reader.js'
import type { EditByReference, EditRequest, VariationRequest } from '../schemas/edit.js'
import type { ManifestImage } from '../schemas/generation.js'
import type { LinkBuilder } from '../storage/links.js'
import type { Tenant } from '../tenants/tenant.js'
import { checkEditInputs, checkVariationInputs } from './check-inputs.js'
import type { EditInputs } from './input-image.js'
import { inspectForm } from './inspect-input.js'
import { editFormSpec, readImageForm, variationFormSpec } from './read-image-form.js'
import { resolveReferences } from './resolve-references.js'
import type { UploadLimits } from './upload-limits.js'
import { UploadSlots } from './upload-slots.js'

export interface ImageInputsParts {
  limits: UploadLimits
  /** IMAGE_MAX_PIXELS. */
  maxPixels: number
  promptMaxLength: number
  manifests: Pick<ManifestReader, 'lookup'>
  readImage: (image: ManifestImage) => Promise<Buffer | undefined>
  linkTo: LinkBuilder
}

export interface ReadInputs<Request> {
  request: Request
  inputs: EditInputs
  /** The checks that need the model the policy settles on. */
  checkInputs: (model: string) => void
}

export class ImageInputs {
  readonly #parts: ImageInputsParts
  readonly #slots = new UploadSlots()

  constructor (parts: ImageInputsParts) {
    this.#parts = parts
  }

  get limits (): UploadLimits {
    return this.#parts.limits
  }

  /**
   * Holds one of the tenant's input slots while `use` reads the inputs and runs the operation that
   * keeps them in memory (UploadSlots); refused with 429 when the tenant has none free.
   */
  async holding<T> (tenant: Tenant, use: () => Promise<T>): Promise<T> {
    const release = this.#slots.take(tenant)
    try {
      return await use()
    } finally {
      release()
    }
  }

  async editFromForm (request: FastifyRequest): Promise<ReadInputs<EditRequest>> {
    const form = await readImageForm(request, editFormSpec(this.#parts.promptMaxLength, this.#parts.limits))
    const inputs = inspectForm(form, this.#parts.maxPixels)
    return { request: form.fields, inputs, checkInputs: (model) => checkEditInputs(inputs, model) }
  }

  async editFromReferences (tenant: Tenant, body: EditByReference, log: FastifyBaseLogger): Promise<ReadInputs<EditRequest>> {
    const { images, mask, ...fields } = body
    const inputs = await resolveReferences(tenant, { images, ...(mask !== undefined ? { mask } : {}) }, {
      ...this.#parts,
      onDamaged: (key, reason) => log.warn({ key, reason }, 'stored image given as an edit input does not match its manifest; refused')
    })
    return { request: fields, inputs, checkInputs: (model) => checkEditInputs(inputs, model, { image: 'images', mask: 'mask' }) }
  }

  async variationFromForm (request: FastifyRequest): Promise<ReadInputs<VariationRequest>> {
    const form = await readImageForm(request, variationFormSpec(this.#parts.limits))
    const inputs = inspectForm(form, this.#parts.maxPixels)
    return { request: form.fields, inputs, checkInputs: () => checkVariationInputs(inputs) }
  }
}
