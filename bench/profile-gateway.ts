// Profiles the gateway under one scenario's load, after a warm-up: the V8 profiler of the gateway
// child's main thread (what `node --cpu-prof` records, without start-up and module loading) runs for
// the measured period; the summary (top functions by self time) goes into the results.
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { runLoad } from './load.js'
import { AUTH, startContender, type BenchContext } from './run-scenario.js'
import type { Scenario } from './scenarios.js'
import { summariseProfile, type ProfileSummary } from './summarise-profile.js'

export async function profileGateway (scenario: Scenario, context: BenchContext, resultsDir: string): Promise<ProfileSummary & { file: string }> {
  const file = path.join(resultsDir, `${scenario.name}-gateway.cpuprofile`)
  const { child, dataDir } = await startContender({ label: 'gateway', kind: 'gateway' }, context)
  try {
    const { settings } = context
    const load = { url: `${child.url}${scenario.path ?? '/generate'}`, body: scenario.body, contentType: scenario.contentType, headers: AUTH, connections: Math.min(settings.connections, scenario.maxConnections ?? settings.connections) }
    await runLoad({ ...load, durationS: settings.warmupS })
    await child.startProfile()
    await runLoad({ ...load, durationS: settings.durationS })
    await child.stopProfile(file)
  } finally {
    await child.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  return { file: path.relative(process.cwd(), file), ...await summariseProfile(file, 20) }
}
