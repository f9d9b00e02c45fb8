// Removes generations that never got their manifest: images written before a crash, or left when
// storage failed and the clean-up failed too. Nobody can see them (no manifest, no listing, no
// link), so they are only wasted space. A generation younger than `minAgeMs` may still be being
// written and is left alone; one older than `lookbackMs` was judged by an earlier sweep. Empty
// generation folders (local disk) go too: they only waste list pages. What it returns was removed.
import { generationTime, GENERATION_ID, manifestKey } from '../storage/object-keys.js'
import type { Storage } from '../storage/storage.js'
import type { TenantRegistry } from '../tenants/tenant-registry.js'

export interface SweepOptions {
  /** The tenants' storage prefixes to look under. */
  prefixes: string[]
  minAgeMs: number
  lookbackMs: number
  now?: number
}

/** Where a periodic sweep reports (pino's signature). */
export interface SweepLog {
  warn(fields: object, message: string): void
}

const PAGE = 200

export async function sweepOrphans (storage: Storage, options: SweepOptions): Promise<string[]> {
  const now = options.now ?? Date.now()
  const removed: string[] = []
  for (const prefix of options.prefixes) {
    let startAfter: string | undefined
    for (;;) {
      const page = await storage.listFolders(`${prefix}/`, { limit: PAGE, startAfter })
      let reachedOld = false
      for (const generationId of page.names) {
        if (!GENERATION_ID.test(generationId)) continue
        const age = now - generationTime(generationId).getTime()
        if (age > options.lookbackMs) {
          reachedOld = true // ids sort newest first: everything after this is older still
          break
        }
        if (age < options.minAgeMs) continue
        if (await storage.stat(manifestKey(prefix, generationId)) !== undefined) continue
        const folder = `${prefix}/${generationId}/`
        const keys = await storage.list(folder)
        // A folder with no files at all (a crash between mkdir and the first rename) is removed
        // as a folder; deleting its zero keys would leave it there, to be "removed" every sweep.
        if (keys.length > 0) await storage.delete(keys)
        else if (!await storage.deleteEmptyFolder(folder)) continue
        removed.push(`${prefix}/${generationId}`)
      }
      if (reachedOld || !page.truncated || page.names.length === 0) break
      startAfter = page.names.at(-1)
    }
  }
  return removed
}

// Removes generations whose manifest was never written (a crash between the image writes and the
// manifest); returns how to stop. ORPHAN_SWEEP_MINUTES=0 turns it off.
export function sweepOrphansEvery (intervalMs: number, storage: Storage, tenants: TenantRegistry, logger: SweepLog): () => void {
  if (intervalMs <= 0) return () => {}
  const sweeper = setInterval(() => {
    sweepOrphans(storage, { prefixes: tenants.current.tenants.map((tenant) => tenant.storagePrefix), minAgeMs: 15 * 60_000, lookbackMs: 48 * 3_600_000 }).then(
      (removed) => { if (removed.length > 0) logger.warn({ removed: removed.length }, 'removed generations that had no manifest') },
      (error: unknown) => { logger.warn({ err: error }, 'orphan sweep failed; will retry') })
  }, intervalMs)
  sweeper.unref()
  return () => { clearInterval(sweeper) }
}
