// Profiles the gateway under one scenario's load: a gateway child started with --cpu-prof writes
// its profile when it stops; the summary (top functions by self time) goes into the results.
import { readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { runLoad } from './load.js'
import { AUTH, startContender, type BenchContext } from './run-scenario.js'
import type { Scenario } from './scenarios.js'
import { summariseProfile, type ProfileSummary } from './summarise-profile.js'

export async function profileGateway (scenario: Scenario, context: BenchContext, profileDir: string): Promise<ProfileSummary & { file: string }> {
  const name = `${scenario.name}-gateway.cpuprofile`
  await rm(path.join(profileDir, name), { force: true })
  const { child, dataDir } = await startContender({ label: 'gateway', kind: 'gateway' }, context, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}`])
  try {
    const url = `${child.url}/generate`
    const { settings } = context
    await runLoad({ url, body: scenario.body, headers: AUTH, connections: settings.connections, durationS: settings.warmupS + settings.durationS })
  } finally {
    await child.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  if (!(await readdir(profileDir)).includes(name)) throw new Error(`the gateway wrote no profile ${name}`)
  const file = path.join(profileDir, name)
  return { file: path.relative(process.cwd(), file), ...await summariseProfile(file, 20) }
}
