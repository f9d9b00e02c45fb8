// Inputs by reference: images this gateway stored, named as {generation_id, index} or by their
// durable link, read from storage (never downloaded) and only under the caller's own tenant. A
// reference to anything else — another tenant's image, an unknown generation or index — gets the
// same 404, so the answer never tells whether another tenant has it. The stored bytes are checked
// against the manifest's sha256 before use, then inspected like an upload.
import { GatewayError } from '../errors/gateway-error.js'
import type { ManifestReader } from '../generation/manifest-reader.js'
import type { ImageReference } from '../schemas/edit.js'
import type { ManifestImage } from '../schemas/generation.js'
import type { LinkBuilder } from '../storage/links.js'
import type { Tenant } from '../tenants/tenant.js'
import { imageOfDurableLink } from './durable-link-key.js'
import type { EditInputs, InputImage } from './input-image.js'
import { imageFileName, inspectInput, MASK_FILE_NAME, sha256Of } from './inspect-input.js'
import { UPLOAD_SETTINGS, type UploadLimits } from './upload-limits.js'

export interface ReferenceDeps {
  manifests: Pick<ManifestReader, 'lookup'>
  /** The whole stored image as its manifest records it (ImageGeneratorParts.readImage); undefined when gone. */
  readImage: (image: ManifestImage) => Promise<Buffer | undefined>
  /** The gateway's link builder: a link is accepted only when it is one this builder makes. */
  linkTo: LinkBuilder
  /** IMAGE_MAX_PIXELS. */
  maxPixels: number
  /** Referenced bytes count against the same total as uploads (they are held in memory alike). */
  limits: Pick<UploadLimits, 'totalMaxBytes'>
  /** Told when stored bytes do not match their manifest (data damage: log it for the operator). */
  onDamaged?: (key: string, reason: string) => void
}

export interface References {
  images: ImageReference[]
  mask?: ImageReference
}

/** Where a reference points, once read: a generation of this tenant and which image of it. */
interface Target {
  generationId: string
  matches: (image: ManifestImage) => boolean
}

export async function resolveReferences (tenant: Pick<Tenant, 'storagePrefix'>, references: References, deps: ReferenceDeps): Promise<EditInputs> {
  const resolver = new ReferenceResolver(tenant.storagePrefix, deps)
  const images: InputImage[] = []
  // One at a time, in order: the first bad reference is the one named, and memory grows only as
  // far as the total limit lets it.
  for (const [index, reference] of references.images.entries()) {
    images.push(await resolver.resolve(reference, `images[${index}]`, imageFileName(index)))
  }
  if (references.mask === undefined) return { images }
  return { images, mask: await resolver.resolve(references.mask, 'mask', MASK_FILE_NAME) }
}

class ReferenceResolver {
  readonly #storagePrefix: string
  readonly #deps: ReferenceDeps
  #bytes = 0

  constructor (storagePrefix: string, deps: ReferenceDeps) {
    this.#storagePrefix = storagePrefix
    this.#deps = deps
  }

  async resolve (reference: ImageReference, param: string, fileName: string): Promise<InputImage> {
    const target = this.#target(reference, param)
    const found = await this.#deps.manifests.lookup(this.#storagePrefix, target.generationId)
    if (found.state === 'unreadable') throw new GatewayError('generation_unreadable', { param })
    const image = found.state === 'found' ? found.manifest.images.find(target.matches) : undefined
    if (image === undefined) throw notFound(param)
    this.#count(image, param)
    const bytes = await this.#deps.readImage(image)
    if (bytes === undefined) throw notFound(param)
    const sha256 = sha256Of(bytes)
    if (sha256 !== image.sha256) {
      this.#deps.onDamaged?.(image.key, `sha256 ${sha256} where the manifest records ${image.sha256}`)
      throw new GatewayError('stored_image_damaged', { param })
    }
    const input = inspectInput(bytes, { param, fileName, maxPixels: this.#deps.maxPixels, sha256 })
    return { ...input, source: { generationId: target.generationId, index: image.index } }
  }

  #target (reference: ImageReference, param: string): Target {
    if ('generation_id' in reference) {
      return { generationId: reference.generation_id, matches: (image) => image.index === reference.index }
    }
    const linked = imageOfDurableLink(reference.image_url, this.#deps.linkTo)
    if (linked === undefined) {
      throw new GatewayError('invalid_value', { param: `${param}.image_url`, message: `'${param}.image_url' is not a durable link of this gateway (data[i].url of one of its answers); other URLs are never fetched.` })
    }
    // Another tenant's link is answered exactly like an unknown one.
    if (linked.storagePrefix !== this.#storagePrefix) throw notFound(param)
    return { generationId: linked.generationId, matches: (image) => image.key === linked.key }
  }

  // Checked against the manifest's size before reading, so an over-limit input is never loaded.
  #count (image: ManifestImage, param: string): void {
    const { totalMaxBytes } = this.#deps.limits
    this.#bytes += image.bytes
    if (this.#bytes > totalMaxBytes) {
      throw new GatewayError('upload_too_large', { param, message: `The input images pass the ${totalMaxBytes} bytes one request may use in all at '${param}' (${UPLOAD_SETTINGS.totalMaxBytes}).` })
    }
  }
}

function notFound (param: string): GatewayError {
  return new GatewayError('not_found', { param, message: `'${param}' names no image stored for this API key's tenant.` })
}
