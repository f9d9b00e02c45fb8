// Stores a generation so that it is either wholly visible or not at all: every image first, the
// manifest last (readers treat a generation without a manifest as absent), and on any failure the
// images already written are removed.
import { storageUnavailable } from '../errors/gateway-error.js'
import type { Manifest } from '../schemas/generation.js'
import type { Storage } from '../storage/storage.js'

export interface GenerationToWrite {
  manifest: Manifest
  manifestKey: string
  imageBytes: Buffer[]
}

const IMMUTABLE = 'public, max-age=31536000, immutable'

export async function writeGeneration (storage: Storage, generation: GenerationToWrite): Promise<void> {
  const { manifest } = generation
  const written: string[] = []
  try {
    await Promise.all(manifest.images.map(async (image, index) => {
      const bytes = generation.imageBytes[index]
      if (bytes === undefined) throw new Error(`missing bytes for image ${index}`)
      await storage.put(image.key, bytes, { contentType: image.contentType, sha256: image.sha256, cacheControl: IMMUTABLE })
      written.push(image.key)
    }))
    await storage.put(generation.manifestKey, Buffer.from(JSON.stringify(manifest)), { contentType: 'application/json' })
  } catch (error) {
    await storage.delete(written).catch(() => {})
    throw storageUnavailable('Storage failed while saving the generated images; nothing was stored.', error)
  }
}
