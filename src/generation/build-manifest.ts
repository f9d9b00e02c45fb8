// The manifest of a new generation: where each verified image will be stored, its link, size, hash
// and dimensions, the request as the provider got it, and what the provider answered beside the
// images (everything the caller's answer is rebuilt from, on a replay too).
import { createHash } from 'node:crypto'
import type { Manifest, ManifestImage } from '../schemas/generation.js'
import type { LinkBuilder } from '../storage/links.js'
import { imageKey, newGenerationId } from '../storage/object-keys.js'
import type { Tenant } from '../tenants/tenant.js'
import type { RoutedGeneration } from '../upstream/upstream-router.js'

/** What the provider was asked, as the manifest records it. */
export type SentRequest = Record<string, unknown> & { model: string }

export function buildManifest (tenant: Tenant, request: SentRequest, routed: RoutedGeneration, linkTo: LinkBuilder): Manifest {
  const { answer } = routed
  const generationId = newGenerationId()
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
  return {
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
    images
  }
}
