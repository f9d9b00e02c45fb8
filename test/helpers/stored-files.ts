// What a local-storage gateway left on disk: every file under its data directory, relative to it
// and sorted (the driver's temp folder is empty between requests, so it lists nothing).
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import type { TestGateway } from './gateway.js'

export async function storedFiles (where: string | Pick<TestGateway, 'dataDir'>): Promise<string[]> {
  const dataDir = typeof where === 'string' ? where : where.dataDir
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dataDir, path.join(entry.parentPath, entry.name))).sort()
}
