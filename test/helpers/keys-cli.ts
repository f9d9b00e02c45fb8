// Runs the keys CLI as a real child process (src/cli/keys.ts through tsx), as `npm run keys` does.
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { makeDataDir } from './temp-dir.js'

export interface CliResult { code: number, stdout: string, stderr: string }

export async function runKeysCli (args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return await new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }
    }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr })
    })
  })
}

/** The key a successful `create` printed. */
export const printedKey = (stdout: string) => /^\s+(igw_[A-Za-z0-9_-]+)$/m.exec(stdout)?.[1]

/** A tenants file with comments, blank lines, flow lists and odd spacing that an edit must keep. */
export const HAND_WRITTEN = `# Tenants of the gateway (hand-written: keep my layout)
tenants:
  - id: acme   # the first customer
    keys:
      - sha256: beb2f2420a3e309124decd9893b59adebaf68b26ffaf6fad9a794692bca51b17
        label: example

    policy:
      models: [a]
      sizes: [1024x1024,   512x512]
      rateLimit: { max: 120, timeWindow: 1 minute }

  # trial customer, one key at most
  - id: globex
    keys: []
    policy: {maxN: 1}
`

/** What the tests read back of a tenants file. */
export interface TenantsFileContent { tenants: Array<{ id: string, keys: Array<{ sha256: string, label?: string, expiresAt?: string, createdAt?: string }>, policy?: unknown }> }

/** A tenants file in a fresh temporary folder, holding `text`. */
export async function tenantsFile (t: Parameters<typeof makeDataDir>[0], text = HAND_WRITTEN, name = 'tenants.yaml'): Promise<string> {
  const file = path.join(await makeDataDir(t), name)
  await writeFile(file, text)
  return file
}

export const readTenantsFile = async (file: string) => parseYaml(await readFile(file, 'utf8')) as TenantsFileContent
