// Runs one scenario: starts each contender as its own process, warms them up, then takes turns
// (A B A B …) for the configured rounds, measuring throughput, latency, CPU per request and peak RSS.
import { mkdir, readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { BenchChild } from './child-process.js'
import { runLoad } from './load.js'
import { BENCH_KEY, baselineEnv, gatewayEnv, type Contender, type Scenario } from './scenarios.js'
import { MB, median } from './stats.js'

export interface BenchSettings {
  durationS: number
  warmupS: number
  rounds: number
  connections: number
}

export interface BenchContext {
  simulatorUrl: string
  workDir: string
  settings: BenchSettings
  s3Env?: Record<string, string>
  redisEnv?: Record<string, string>
}

export interface Measurement {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  cpuMsPerRequest: number
  peakRssMb: number
}

export interface ContenderResult {
  label: string
  kind: Contender['kind']
  rounds: Measurement[]
  median: Measurement
}

export interface ScenarioResult {
  name: string
  description: string
  imagesPerRequest: number
  reference: string
  contenders: ContenderResult[]
}

export const AUTH = { authorization: `Bearer ${BENCH_KEY}` }

export async function startContender (contender: Contender, context: BenchContext, nodeArgs: string[] = []): Promise<{ child: BenchChild, dataDir: string }> {
  const dataDir = path.join(context.workDir, `${contender.label.replaceAll(' ', '-')}-${Date.now()}`)
  await mkdir(dataDir, { recursive: true })
  const env = contender.kind === 'baseline'
    ? baselineEnv(context.simulatorUrl)
    : {
        ...gatewayEnv(context.simulatorUrl, dataDir),
        ...(contender.needs === 's3' ? context.s3Env : {}),
        ...(contender.needs === 'redis' ? context.redisEnv : {}),
        ...contender.env
      }
  const child = await BenchChild.start(contender.label, `${contender.kind}.ts`, { env, nodeArgs })
  return { child, dataDir }
}

/**
 * Removes the generations a run stored (not the driver's own dot-folders), so disk use stays flat.
 * autocannon stops with requests still in flight, so first let the gateway finish them.
 */
export async function clearStoredImages (dataDir: string, settleMs: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, settleMs))
  const entries = await readdir(dataDir).catch(() => [])
  await Promise.all(entries.filter((name) => !name.startsWith('.')).map(async (name) => await rm(path.join(dataDir, name), { recursive: true, force: true, maxRetries: 5 })))
}

const settleMsAfter = (p99Ms: number) => 200 + 2 * p99Ms

/**
 * One measured run of a fixed number of requests (about `durationS` at the last rate seen): the run
 * ends when every answer is in, so the CPU the child used is exactly the cost of those requests.
 */
/** What autocannon sends a contender in this scenario. */
function loadFor (child: BenchChild, scenario: Scenario, settings: BenchSettings) {
  return {
    url: `${child.url}${scenario.path ?? '/generate'}`,
    body: scenario.body,
    contentType: scenario.contentType,
    headers: AUTH,
    connections: Math.min(settings.connections, scenario.maxConnections ?? settings.connections)
  }
}

async function measureOnce (child: BenchChild, scenario: Scenario, settings: BenchSettings, expectedRps: number): Promise<Measurement> {
  const load = loadFor(child, scenario, settings)
  const amount = Math.max(load.connections * 2, Math.round(expectedRps * settings.durationS))
  await child.gc()
  await child.resetPeakRss()
  const cpuBefore = await child.cpuMicros()
  const measured = await runLoad({ ...load, amount })
  const cpuAfter = await child.cpuMicros()
  return {
    requestsPerSecond: measured.requestsPerSecond,
    p50Ms: measured.p50Ms,
    p99Ms: measured.p99Ms,
    cpuMsPerRequest: (cpuAfter - cpuBefore) / 1000 / measured.requests,
    peakRssMb: await child.peakRssBytes() / MB
  }
}

function medianOf (rounds: Measurement[]): Measurement {
  const pick = (field: keyof Measurement) => median(rounds.map((round) => round[field]))
  return { requestsPerSecond: pick('requestsPerSecond'), p50Ms: pick('p50Ms'), p99Ms: pick('p99Ms'), cpuMsPerRequest: pick('cpuMsPerRequest'), peakRssMb: pick('peakRssMb') }
}

export async function runScenario (scenario: Scenario, context: BenchContext, log: (line: string) => void): Promise<ScenarioResult> {
  const { settings } = context
  const started: Array<{ contender: Contender, child: BenchChild, dataDir: string, rounds: Measurement[], expectedRps: number }> = []
  try {
    for (const contender of scenario.contenders) started.push({ contender, ...await startContender(contender, context), rounds: [], expectedRps: 0 })
    for (const entry of started) {
      const warm = await runLoad({ ...loadFor(entry.child, scenario, settings), durationS: settings.warmupS })
      entry.expectedRps = warm.requestsPerSecond
      await clearStoredImages(entry.dataDir, settleMsAfter(warm.p99Ms))
    }
    for (let round = 1; round <= settings.rounds; round++) {
      for (const entry of started) {
        const measured = await measureOnce(entry.child, scenario, settings, entry.expectedRps)
        entry.rounds.push(measured)
        entry.expectedRps = measured.requestsPerSecond
        await clearStoredImages(entry.dataDir, 100)
        log(`  ${scenario.name} round ${round} ${entry.contender.label}: ${measured.requestsPerSecond.toFixed(0)} req/s, p99 ${measured.p99Ms} ms, ${measured.cpuMsPerRequest.toFixed(2)} CPU ms/req`)
      }
    }
  } finally {
    await Promise.all(started.map(async (entry) => await entry.child.stop()))
    await Promise.all(started.map(async (entry) => await rm(entry.dataDir, { recursive: true, force: true })))
  }
  return {
    name: scenario.name,
    description: scenario.description,
    imagesPerRequest: scenario.imagesPerRequest,
    reference: scenario.reference,
    contenders: started.map((entry) => ({ label: entry.contender.label, kind: entry.contender.kind, rounds: entry.rounds, median: medianOf(entry.rounds) }))
  }
}
