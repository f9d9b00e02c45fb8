// Rebuilds the answer to a request replayed by its Idempotency-Key from what is stored now: the
// generation's manifest (durable links, revised prompts, image keys) and, for b64_json, the image
// bytes. A generation deleted since is a 410 whatever the response format: its links are dead.
import { GatewayError } from '../errors/gateway-error.js'
import type { StoredAnswer } from '../idempotency/idempotency-store.js'
import type { GenerateResponse } from '../schemas/generation.js'
import type { Tenant } from '../tenants/tenant.js'
import { answerFromManifest } from './generation-answer.js'
import type { ManifestReader } from './manifest-reader.js'

export interface ReplayDeps {
  manifests: ManifestReader
  /** Storage reads that also find generations still waiting in the spool. */
  readImage: (key: string) => Promise<Buffer | undefined>
}

export async function replayGeneration (deps: ReplayDeps, tenant: Tenant, stored: StoredAnswer, wantsBase64: boolean): Promise<GenerateResponse> {
  // Past the cache: another replica may have deleted the generation since this one cached it.
  deps.manifests.forget(tenant.storagePrefix, stored.id)
  const manifest = await deps.manifests.read(tenant.storagePrefix, stored.id)
  if (manifest === undefined) throw generationDeleted()
  if (!wantsBase64) return answerFromManifest(manifest, stored)
  const imageBytes = await Promise.all(manifest.images.map(async (image) => await deps.readImage(image.key)))
  if (imageBytes.some((bytes) => bytes === undefined)) throw generationDeleted()
  return answerFromManifest(manifest, stored, imageBytes as Buffer[])
}

function generationDeleted (): GatewayError {
  return new GatewayError({ status: 410, type: 'not_found_error', code: 'generation_deleted', message: 'The generation this Idempotency-Key produced has been deleted.' })
}
