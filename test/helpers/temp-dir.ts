// A fresh temporary directory per test, removed when the test ends.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface Teardown { teardown(fn: () => unknown): void }

export async function makeDataDir (t: Teardown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'igw-test-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}
