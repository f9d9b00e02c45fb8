// Ad-hoc: one scenario against gateway variants (env overrides), A B C … rounds. Not part of npm run bench.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { BenchChild } from './child-process.js'
import { prepareEdit } from './prepare-edit.js'
import { runScenario } from './run-scenario.js'
import { SCENARIOS, SIMULATOR_KEY, type Contender } from './scenarios.js'

const [scenarioName = 'tiny', ...variantArgs] = process.argv.slice(2)
const contenders: Contender[] = variantArgs.map((spec) => {
  const env = Object.fromEntries(spec.split(',').filter((pair) => pair.includes('=')).map((pair) => pair.split('=') as [string, string]))
  return spec === 'baseline' ? { label: 'baseline', kind: 'baseline' } : { label: spec, kind: 'gateway', env }
})
let scenario = { ...SCENARIOS.find((candidate) => candidate.name === scenarioName)!, contenders }
const workDir = await mkdtemp(path.join(os.tmpdir(), 'igw-variants-'))
const simulator = await BenchChild.start('simulator', 'simulator.ts', { env: { SIM_API_KEY: SIMULATOR_KEY } })
try {
  if (scenario.upload !== undefined) scenario = (await prepareEdit(scenario, simulator.url, workDir, 3)).scenario
  const result = await runScenario(scenario, { simulatorUrl: simulator.url, workDir, settings: { durationS: Number(process.env.DURATION ?? 4), warmupS: 2, rounds: Number(process.env.ROUNDS ?? 2), connections: 50 } }, console.log)
  for (const entry of result.contenders) console.log(entry.label.padEnd(40), entry.median.requestsPerSecond.toFixed(0).padStart(6), 'req/s', entry.median.cpuMsPerRequest.toFixed(2).padStart(7), 'CPU ms/req', entry.median.p99Ms, 'p99')
} finally {
  await simulator.stop()
  await rm(workDir, { recursive: true, force: true })
}
