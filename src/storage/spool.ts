// The spool: a local directory where a generation goes when durable storage fails after the
// provider has already produced (and billed) its images. Same key layout as storage, so links keep
// working: readers fall back to the spool until the flusher has moved the generation.
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { IMMUTABLE_CACHE_CONTROL } from './cache-control.js'
import { LocalStorage } from './local-storage.js'
import { GENERATION_ID, manifestKey } from './object-keys.js'
import type { PutOptions, Storage } from './storage.js'

export interface SpooledGeneration {
  prefix: string
  generationId: string
}

export class Spool {
  readonly files: LocalStorage
  readonly #dir: string

  constructor (dir: string) {
    this.#dir = path.resolve(dir)
    // fsync always: the spool is where images survive an outage, it must survive a crash too.
    this.files = new LocalStorage({ rootDir: this.#dir, fsync: true })
  }

  async init (): Promise<void> {
    await this.files.init()
  }

  /** Writes a generation: every object first, the manifest last, as durable storage does. */
  async save (objects: Array<{ key: string, bytes: Buffer, options: PutOptions }>, manifest: { key: string, bytes: Buffer }): Promise<void> {
    await Promise.all(objects.map(async (object) => await this.files.put(object.key, object.bytes, object.options)))
    await this.files.put(manifest.key, manifest.bytes, { contentType: 'application/json' })
  }

  /** Generations waiting to be moved to durable storage (only complete ones: manifest present). */
  async pending (): Promise<SpooledGeneration[]> {
    const found: SpooledGeneration[] = []
    const prefixes = await readdir(this.#dir, { withFileTypes: true }).catch(() => [])
    for (const prefix of prefixes) {
      if (!prefix.isDirectory() || prefix.name.startsWith('.')) continue
      for (const generationId of await readdir(path.join(this.#dir, prefix.name)).catch(() => [])) {
        if (!GENERATION_ID.test(generationId)) continue
        if (await this.files.stat(manifestKey(prefix.name, generationId)) !== undefined) found.push({ prefix: prefix.name, generationId })
      }
    }
    return found
  }

  /** Copies one generation to durable storage (manifest last), then deletes the spool copy. */
  async flush (generation: SpooledGeneration, storage: Storage): Promise<void> {
    const keys = await this.files.list(`${generation.prefix}/${generation.generationId}/`)
    const manifest = manifestKey(generation.prefix, generation.generationId)
    const manifestJson = await this.files.getBytes(manifest)
    if (manifestJson === undefined) return
    type StoredFile = { key?: string, contentType: string, sha256: string }
    const parsed = JSON.parse(manifestJson.toString('utf8')) as { images: StoredFile[], inputs?: StoredFile[] }
    // The outputs, and an edit's inputs when they were kept: every file the manifest names.
    const files = [...parsed.images, ...(parsed.inputs ?? [])]
    for (const key of keys.filter((candidate) => candidate !== manifest)) {
      const bytes = await this.files.getBytes(key)
      const file = files.find((candidate) => candidate.key === key)
      if (bytes === undefined || file === undefined) continue
      await storage.put(key, bytes, { contentType: file.contentType, sha256: file.sha256, cacheControl: IMMUTABLE_CACHE_CONTROL })
    }
    await storage.put(manifest, manifestJson, { contentType: 'application/json' })
    await this.files.delete(keys)
  }
}
