// `npm run bench`: the simulator, the gateway on its full path and a bare Fastify + undici
// passthrough, each in its own process, taking turns under autocannon; the floor per image; the
// in-flight memory test; a CPU profile of `big`. Prints a table, writes bench/results/*.json.
// `npm run bench -- --smoke` runs tiny, big, edit-4-inputs and stream-first-partial once, briefly,
// so CI keeps the harness working; `--only=tiny,big,n4,s3,redis,edit-4-inputs,stream-first-partial,
// inflight,profile` picks parts, `--rounds`, `--duration` (seconds).
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { EnvSchema } from '../src/config/env-schema.js'
import { BenchChild } from './child-process.js'
import { measureFloor } from './floor.js'
import { prepareEdit } from './prepare-edit.js'
import { profileGateway } from './profile-gateway.js'
import { redisReachable, deleteKeysWithPrefix } from './redis-probe.js'
import { editFloorRatio, evaluateTargets, formatTable, type Extras, type Skipped } from './report.js'
import { runFirstPartial } from './run-first-partial.js'
import { runInflight } from './run-inflight.js'
import { runScenario, type BenchContext, type ScenarioResult } from './run-scenario.js'
import { BIG_SIZE, SCENARIOS, SIMULATOR_KEY } from './scenarios.js'
import { formatProfile } from './summarise-profile.js'

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'profile-scenario': { type: 'string', default: 'big' },
  }
})
const smoke = args.smoke === true
const settings = {
  durationS: Number(args.duration ?? (smoke ? 1 : 5)),
  warmupS: smoke ? 0.5 : 2,
  rounds: Number(args.rounds ?? (smoke ? 1 : 3)),
  connections: smoke ? 10 : 50
}
const STREAM_GAP_MS = 50
const only = args.only?.split(',') ?? (smoke ? ['tiny', 'big', 'edit-4-inputs', 'stream-first-partial'] : [...SCENARIOS.map((scenario) => scenario.name), 'stream-first-partial', 'inflight', 'profile'])
const log = (line: string) => process.stdout.write(`${line}\n`)
const resultsDir = path.resolve('bench/results')
const workDir = await mkdtemp(path.join(os.tmpdir(), 'igw-bench-'))
const children: BenchChild[] = []
const startChild = async (...startArgs: Parameters<typeof BenchChild.start>) => {
  const child = await BenchChild.start(...startArgs)
  children.push(child)
  return child
}

try {
  const simulator = await startChild('simulator', 'simulator.ts', { env: { SIM_API_KEY: SIMULATOR_KEY } })
  const answer = await fetch(`${simulator.url}/v1/images/generations`, { method: 'POST', headers: { authorization: `Bearer ${SIMULATOR_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'bench big', size: BIG_SIZE }) })
  const floor = measureFloor(await answer.text(), path.join(workDir, 'floor'), smoke ? 30 : 200)
  log(`floor: ${floor.cpuMsPerImage.toFixed(2)} CPU ms per ${(floor.imageBytes / 1e6).toFixed(2)} MB image (${floor.cpuMsPerImageNoFsync.toFixed(2)} without fsync)`)

  const context: BenchContext = { simulatorUrl: simulator.url, workDir, settings }
  const skipped: Skipped[] = []
  const scenarios: ScenarioResult[] = []
  const extras: Extras = {}
  for (let scenario of SCENARIOS.filter((candidate) => only.includes(candidate.name))) {
    let scenarioContext = context
    if (scenario.upload !== undefined) {
      const prepared = await prepareEdit(scenario, simulator.url, workDir, smoke ? 3 : 40)
      // Smoke: a handful of uploads, enough to prove the path works, not to measure it.
      scenario = smoke ? { ...prepared.scenario, maxConnections: 2 } : prepared.scenario
      extras.editFloor = prepared.floor
      log(`edit floor: ${prepared.floor.cpuMsPerRequest.toFixed(2)} CPU ms per request (${prepared.floor.inputsCpuMs.toFixed(2)} for the inputs)`)
    }
    if (scenario.name === 's3') {
      const s3 = await startChild('s3rver', 's3rver.ts', { env: { S3RVER_DIR: path.join(workDir, 's3rver'), S3RVER_BUCKET: 'bench' } })
      scenarioContext = { ...context, s3Env: { STORAGE_DRIVER: 's3', S3_BUCKET: 'bench', S3_ENDPOINT: s3.url, S3_FORCE_PATH_STYLE: 'true', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } }
    }
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
    const redisPrefix = `igw-bench-${process.pid}-${Date.now()}:`
    if (scenario.name === 'redis') {
      const reason = !('REDIS_URL' in EnvSchema.properties) ? 'gateway has no Redis support' : !(await redisReachable(redisUrl)) ? `Redis not reachable at ${redisUrl}` : undefined
      if (reason !== undefined) {
        skipped.push({ name: 'redis', reason })
        log(`redis: skipped: ${reason}`)
        continue
      }
      scenarioContext = { ...context, redisEnv: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: redisPrefix } }
    }
    log(`${scenario.name}: ${scenario.description}`)
    try {
      // The smoke run keeps to the gateway and its reference: it checks the harness, not the numbers.
      scenarios.push(await runScenario(smoke ? { ...scenario, contenders: scenario.contenders.slice(0, 2) } : scenario, scenarioContext, log))
    } finally {
      if (scenario.name === 'redis') await deleteKeysWithPrefix(redisUrl, redisPrefix).catch(() => {})
    }
  }

  if (only.includes('stream-first-partial')) {
    const paced = await startChild('paced simulator', 'simulator.ts', { env: { SIM_API_KEY: SIMULATOR_KEY, SIM_STREAM_GAP_MS: String(STREAM_GAP_MS) } })
    log(`stream-first-partial: time to the first partial image, gateway and simulator directly in alternating pairs (simulator gap ${STREAM_GAP_MS} ms)`)
    const pairing = smoke ? { rounds: 1, pairsPerRound: 6, warmupPairs: 2 } : { rounds: settings.rounds, pairsPerRound: 30, warmupPairs: 5 }
    extras.firstPartial = await runFirstPartial({ ...context, simulatorUrl: paced.url }, { ...pairing, streamGapMs: STREAM_GAP_MS }, log)
  }

  let inflight
  if (only.includes('inflight')) {
    const slow = await startChild('slow simulator', 'simulator.ts', { env: { SIM_API_KEY: SIMULATOR_KEY, SIM_LATENCY_MS: '2000' } })
    log('inflight: 200 concurrent big requests, upstream delay 2 s')
    inflight = await runInflight([{ label: 'gateway', kind: 'gateway' }, { label: 'baseline', kind: 'baseline' }], { ...context, simulatorUrl: slow.url }, 200, 2000, log)
  }

  let profile
  let profiled = SCENARIOS.find((scenario) => scenario.name === args['profile-scenario'])
  if (only.includes('profile') && profiled !== undefined) {
    log(`profiling the gateway under ${profiled.name}`)
    // An edit's upload is made at run time; profiling it needs the prepared bytes, not its text fields.
    if (profiled.upload !== undefined) profiled = (await prepareEdit(profiled, simulator.url, workDir, 3)).scenario
    profile = await profileGateway(profiled, context, resultsDir)
  }

  const targets = evaluateTargets(scenarios, floor, inflight, skipped, extras)
  const table = formatTable(scenarios, floor, inflight, targets, skipped, extras)
  log(`\n${table}`)
  if (profile !== undefined) log(`\nCPU profile of the gateway under ${profiled?.name} (${profile.file}):\n${formatProfile(profile)}`)
  const results = {
    generatedAt: new Date().toISOString(),
    smoke,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings,
    floor,
    editFloor: extras.editFloor === undefined ? undefined : { ...extras.editFloor, gatewayRatio: editFloorRatio(scenarios, extras.editFloor) },
    scenarios,
    firstPartial: extras.firstPartial,
    skipped,
    inflight,
    targets,
    profile,
    table
  }
  const fileName = smoke ? 'smoke.json' : args.only !== undefined ? 'partial.json' : 'latest.json'
  await writeFile(path.join(resultsDir, fileName), `${JSON.stringify(results, null, 2)}\n`)
  log(`\nwritten to bench/results/${fileName}`)
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`)
  for (const child of children) if (child.stderr !== '') process.stderr.write(`--- ${child.name} stderr ---\n${child.stderr}\n`)
  process.exitCode = 1
} finally {
  await Promise.all(children.map(async (child) => await child.stop()))
  await rm(workDir, { recursive: true, force: true })
}
