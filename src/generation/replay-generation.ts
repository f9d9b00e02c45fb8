// Rebuilds the answer to a request replayed by its Idempotency-Key from what is stored now: the
// generation's manifest (durable links, revised prompts, image keys, what the provider answered)
// and, for b64_json, the image bytes. A generation deleted since is a 410 whatever the response
// format: its links are dead.
import { GatewayError } from '../errors/gateway-error.js'
import type { GenerateResponse, ManifestImage } from '../schemas/generation.js'
import type { Tenant } from '../tenants/tenant.js'
import { answerFromManifest } from './generation-answer.js'
import type { ManifestReader } from './manifest-reader.js'

export interface ReplayDeps {
  manifests: ManifestReader
  /**
   * The whole stored image, exactly the bytes its manifest records (a torn copy is never inlined:
   * storage/stored-image-bytes.ts); undefined when it is gone. Finds generations still in the spool.
   */
  readImage: (image: ManifestImage) => Promise<Buffer | undefined>
}

export async function replayGeneration (deps: ReplayDeps, tenant: Tenant, generationId: string, wantsBase64: boolean): Promise<GenerateResponse> {
  // Past the cache: another replica may have deleted the generation since this one cached it.
  const found = await deps.manifests.lookup(tenant.storagePrefix, generationId, { fresh: true })
  if (found.state === 'missing') throw generationDeleted()
  if (found.state === 'unreadable') throw new GatewayError('generation_unreadable')
  const { manifest } = found
  if (!wantsBase64) return answerFromManifest(manifest)
  const imageBytes = await Promise.all(manifest.images.map(async (image) => await deps.readImage(image)))
  if (imageBytes.some((bytes) => bytes === undefined)) throw generationDeleted()
  return answerFromManifest(manifest, imageBytes as Buffer[])
}

function generationDeleted (): GatewayError {
  return new GatewayError('generation_deleted')
}
