// The manifest of a new generation: where each verified image will be stored, its link, size, hash
// and dimensions, the request as the provider got it, and what the provider answered beside the
// images (everything the caller's answer is rebuilt from, on a replay too).
import { createHash } from 'node:crypto'
import type { EditInputs, InputImage } from '../inputs/input-image.js'
import type { ImageOperation, Manifest, ManifestImage, ManifestInput } from '../schemas/generation.js'
import type { LinkBuilder } from '../storage/links.js'
import { imageKey, inputKey, newGenerationId } from '../storage/object-keys.js'
import type { Tenant } from '../tenants/tenant.js'
import type { RoutedGeneration } from '../upstream/upstream-router.js'

/** What the provider was asked, as the manifest records it. */
export type SentRequest = Record<string, unknown> & { model: string }

/** What the operation was given besides its request: edits and variations have input images. */
export interface OperationInputs {
  operation: ImageOperation
  inputs?: EditInputs
  /** Keep the inputs' bytes beside the outputs (tenant policy), or only their facts. */
  storeInputs: boolean
}

/** An input image to be stored with the generation, under the key its manifest entry names. */
export interface InputFile {
  key: string
  bytes: Buffer
  contentType: string
  sha256: string
}

export function buildManifest (tenant: Tenant, request: SentRequest, routed: RoutedGeneration, linkTo: LinkBuilder, given: OperationInputs): { manifest: Manifest, inputFiles: InputFile[] } {
  const { answer } = routed
  const generationId = newGenerationId()
  const inputFiles: InputFile[] = []
  const describeInput = (input: InputImage, role: 'image' | 'mask', index: number): ManifestInput => {
    const key = given.storeInputs ? inputKey(tenant.storagePrefix, generationId, role, index, input.extension) : undefined
    if (key !== undefined) inputFiles.push({ key, bytes: input.bytes, contentType: input.contentType, sha256: input.sha256 })
    return {
      role,
      index,
      sha256: input.sha256,
      bytes: input.bytes.length,
      contentType: input.contentType,
      width: input.width,
      height: input.height,
      ...(key !== undefined ? { key } : {}),
      ...(input.source !== undefined ? { source: input.source } : {})
    }
  }
  const inputs = given.inputs === undefined
    ? undefined
    : [
        ...given.inputs.images.map((input, index) => describeInput(input, 'image', index)),
        ...(given.inputs.mask !== undefined ? [describeInput(given.inputs.mask, 'mask', 0)] : [])
      ]
  const images: ManifestImage[] = routed.images.map((image, index) => {
    const key = imageKey(tenant.storagePrefix, generationId, index, image.facts.extension)
    return {
      index,
      key,
      url: linkTo(key),
      bytes: image.bytes.length,
      sha256: createHash('sha256').update(image.bytes).digest('hex'),
      contentType: image.facts.contentType,
      width: image.facts.width,
      height: image.facts.height,
      ...(image.revisedPrompt !== undefined ? { revisedPrompt: image.revisedPrompt } : {})
    }
  })
  const manifest: Manifest = {
    id: generationId,
    tenantId: tenant.id,
    created: answer.created,
    storedAt: new Date().toISOString(),
    model: request.model,
    request,
    upstream: {
      name: routed.upstream,
      model: routed.upstreamModel,
      latencyMs: answer.latencyMs,
      ...(answer.requestId !== undefined ? { requestId: answer.requestId } : {}),
      ...(answer.usage !== undefined ? { usage: answer.usage } : {}),
      described: answer.described
    },
    images,
    operation: given.operation,
    ...(inputs !== undefined ? { inputs } : {})
  }
  return { manifest, inputFiles }
}
