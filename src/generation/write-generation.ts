// Stores a generation so that it is either wholly visible or not at all: every image first, the
// manifest last (readers treat a generation without a manifest as absent), and on any failure the
// images already written are removed. The provider has been paid by then, so when durable storage
// fails the generation goes to the local spool instead, and the flusher moves it later.
import { GatewayError } from '../errors/gateway-error.js'
import type { Manifest } from '../schemas/generation.js'
import type { InputFile } from './build-manifest.js'
import { IMMUTABLE_CACHE_CONTROL } from '../storage/cache-control.js'
import type { Spool } from '../storage/spool.js'
import type { Storage } from '../storage/storage.js'

export interface GenerationToWrite {
  manifest: Manifest
  manifestKey: string
  imageBytes: Buffer[]
  /** An edit's input images, when the tenant keeps them: written with the images, before the manifest. */
  inputFiles?: InputFile[]
}

export async function writeGeneration (storage: Storage, spool: Spool | undefined, generation: GenerationToWrite): Promise<{ spooled: boolean }> {
  const { manifest } = generation
  const files = [
    ...manifest.images.map((image, index) => {
      const bytes = generation.imageBytes[index]
      if (bytes === undefined) throw new Error(`missing bytes for image ${index}`)
      return { key: image.key, bytes, contentType: image.contentType, sha256: image.sha256 }
    }),
    ...(generation.inputFiles ?? [])
  ]
  const written: string[] = []
  try {
    await Promise.all(files.map(async (file) => {
      await storage.put(file.key, file.bytes, { contentType: file.contentType, sha256: file.sha256, cacheControl: IMMUTABLE_CACHE_CONTROL })
      written.push(file.key)
    }))
    await storage.put(generation.manifestKey, Buffer.from(JSON.stringify(manifest)), { contentType: 'application/json' })
    return { spooled: false }
  } catch (error) {
    await storage.delete(written).catch(() => {}) // what stays behind, the orphan sweep removes
    if (spool === undefined) throw new GatewayError('storage_unavailable', { message: 'Storage failed while saving the generated images; nothing was stored.', cause: error })
    try {
      await spool.save(
        files.map((file) => ({ key: file.key, bytes: file.bytes, options: { contentType: file.contentType } })),
        { key: generation.manifestKey, bytes: Buffer.from(JSON.stringify(manifest)) })
      return { spooled: true }
    } catch (spoolError) {
      throw new GatewayError('storage_unavailable', { message: 'Storage and the local spool both failed while saving the generated images.', cause: new AggregateError([error, spoolError]) })
    }
  }
}
