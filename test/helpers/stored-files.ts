// What a test gateway left in its data directory.
import { readdir } from 'node:fs/promises'
import path from 'node:path'

/** Every file under the data directory (relative paths), the driver's own temp folder included. */
export async function storedFiles (dataDir: string): Promise<string[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dataDir, path.join(entry.parentPath, entry.name))).sort()
}
