// The use case: a validated request from a tenant → images from the provider → verified, stored
// bytes and a manifest → the OpenAI-shaped answer with durable links. No HTTP in here.
import { createHash } from 'node:crypto'
import type { GenerateRequest, GenerateResponse, Manifest, ManifestImage } from '../schemas/generation.js'
import type { LinkBuilder } from '../storage/links.js'
import { imageKey, manifestKey, newGenerationId } from '../storage/object-keys.js'
import type { Spool } from '../storage/spool.js'
import type { Storage } from '../storage/storage.js'
import type { Tenant } from '../tenants/tenant.js'
import type { UpstreamRouter } from '../upstream/upstream-router.js'
import { answerFromManifest } from './generation-answer.js'
import { obtainImages } from './obtain-images.js'
import { writeGeneration } from './write-generation.js'

export interface GenerationDeps {
  router: UpstreamRouter
  storage: Storage
  spool?: Spool
  linkTo: LinkBuilder
  defaultModel: string
  deadlineMs: number
  download: { timeoutMs: number, maxBytes: number }
  imageMaxPixels: number
}

export interface GenerationInput {
  tenant: Tenant
  request: GenerateRequest
}

export interface GenerationResult {
  response: GenerateResponse
  manifest: Manifest
  /** True when durable storage failed and the images wait in the local spool. */
  spooled: boolean
}

export async function generateImages (deps: GenerationDeps, input: GenerationInput): Promise<GenerationResult> {
  const model = input.request.model ?? deps.defaultModel
  const obtained = await obtainImages(deps.router, { ...input.request, model }, { deadlineMs: deps.deadlineMs, download: deps.download, imageMaxPixels: deps.imageMaxPixels })
  const { answer } = obtained
  const collected = obtained.images

  const generationId = newGenerationId()
  const images: ManifestImage[] = collected.map((image, index) => {
    const key = imageKey(input.tenant.storagePrefix, generationId, index, image.facts.extension)
    return {
      index,
      key,
      url: deps.linkTo(key),
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
    tenantId: input.tenant.id,
    created: answer.created,
    storedAt: new Date().toISOString(),
    model,
    request: { ...input.request, model },
    upstream: {
      name: obtained.upstream,
      model: obtained.upstreamModel,
      latencyMs: answer.latencyMs,
      ...(answer.requestId !== undefined ? { requestId: answer.requestId } : {}),
      ...(answer.usage !== undefined ? { usage: answer.usage } : {})
    },
    images
  }
  const { spooled } = await writeGeneration(deps.storage, deps.spool, {
    manifest,
    manifestKey: manifestKey(input.tenant.storagePrefix, generationId),
    imageBytes: collected.map((image) => image.bytes)
  })

  // Base64 is encoded from the stored bytes, only when asked for: most callers want the link alone.
  const wantsBase64 = input.request.response_format === 'b64_json'
  const response = answerFromManifest(manifest, {
    created: answer.created,
    ...(answer.size !== undefined ? { size: answer.size } : {}),
    ...(answer.quality !== undefined ? { quality: answer.quality } : {}),
    ...(answer.outputFormat !== undefined ? { output_format: answer.outputFormat } : {}),
    ...(answer.background !== undefined ? { background: answer.background } : {}),
    ...(answer.usage !== undefined ? { usage: answer.usage } : {})
  }, wantsBase64 ? collected.map((image) => image.bytes) : undefined)
  return { response, manifest, spooled }
}
