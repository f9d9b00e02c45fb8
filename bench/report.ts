// Turns the measurements into the targets of issue 8 and a printed table.
import type { EditFloorResult } from './edit-floor.js'
import type { FloorResult } from './floor.js'
import type { FirstPartialResult } from './run-first-partial.js'
import type { InflightResult } from './run-inflight.js'
import type { ScenarioResult } from './run-scenario.js'
import { MB, round } from './stats.js'

export interface Target {
  name: string
  measured: number | null
  limit: string
  met: boolean | null
  detail: string
}

export interface Skipped {
  name: string
  reason: string
}

/** Results that are not a table row of their own: the edit's floor and time to first partial. */
export interface Extras {
  editFloor?: EditFloorResult
  firstPartial?: FirstPartialResult
}

/** Target of issue 15: what the gateway adds to the time to the first partial image, at p50. */
export const FIRST_PARTIAL_ADDED_P50_LIMIT_MS = 5

function contender (scenario: ScenarioResult | undefined, label: string) {
  return scenario?.contenders.find((entry) => entry.label === label)?.median
}

/** The gateway's CPU per edit as a multiple of the edit floor, when both were measured. */
export function editFloorRatio (scenarios: ScenarioResult[], editFloor: EditFloorResult | undefined): number | undefined {
  const gateway = contender(scenarios.find((scenario) => scenario.name === 'edit-4-inputs'), 'gateway')
  return gateway === undefined || editFloor === undefined ? undefined : gateway.cpuMsPerRequest / editFloor.cpuMsPerRequest
}

export function evaluateTargets (scenarios: ScenarioResult[], floor: FloorResult, inflight: InflightResult | undefined, skipped: Skipped[], extras: Extras = {}): Target[] {
  const byName = (name: string) => scenarios.find((scenario) => scenario.name === name)
  const targets: Target[] = []
  const tinyGateway = contender(byName('tiny'), 'gateway')
  const tinyBaseline = contender(byName('tiny'), 'baseline')
  if (tinyGateway !== undefined && tinyBaseline !== undefined) {
    const ratio = tinyGateway.requestsPerSecond / tinyBaseline.requestsPerSecond
    targets.push({ name: 'tiny: gateway req/s ÷ baseline req/s', measured: round(ratio, 3), limit: '≥ 0.5', met: ratio >= 0.5, detail: `${tinyGateway.requestsPerSecond.toFixed(0)} vs ${tinyBaseline.requestsPerSecond.toFixed(0)} req/s` })
  }
  const bigGateway = contender(byName('big'), 'gateway')
  if (bigGateway !== undefined) {
    const ratio = bigGateway.cpuMsPerRequest / floor.cpuMsPerImage
    targets.push({ name: 'big: gateway CPU per image ÷ floor', measured: round(ratio, 2), limit: '≤ 2', met: ratio <= 2, detail: `${bigGateway.cpuMsPerRequest.toFixed(2)} ms vs floor ${floor.cpuMsPerImage.toFixed(2)} ms` })
  }
  const inflightGateway = inflight?.contenders.find((entry) => entry.label === 'gateway')?.median
  if (inflightGateway !== undefined) {
    const rawMb = floor.imageBytes / MB
    const ratio = inflightGateway.growthPerRequestMb / rawMb
    targets.push({ name: 'inflight: RSS growth per in-flight generation ÷ raw image size', measured: round(ratio, 2), limit: '≤ 3', met: ratio <= 3, detail: `${inflightGateway.growthPerRequestMb.toFixed(2)} MB vs ${rawMb.toFixed(2)} MB` })
  }
  const redis = contender(byName('redis'), 'gateway redis')
  const memory = contender(byName('redis'), 'gateway')
  if (redis !== undefined && memory !== undefined) {
    const cost = 1 - redis.requestsPerSecond / memory.requestsPerSecond
    targets.push({ name: 'redis: throughput lost to Redis-backed limits', measured: round(cost, 3), limit: '≤ 0.15', met: cost <= 0.15, detail: `${redis.requestsPerSecond.toFixed(0)} vs ${memory.requestsPerSecond.toFixed(0)} req/s` })
  } else {
    const reason = skipped.find((entry) => entry.name === 'redis')?.reason
    if (reason !== undefined) targets.push({ name: 'redis: throughput lost to Redis-backed limits', measured: null, limit: '≤ 0.15', met: null, detail: `skipped: ${reason}` })
  }
  const { firstPartial } = extras
  if (firstPartial !== undefined) {
    const added = firstPartial.addedP50Ms
    targets.push({ name: 'stream-first-partial: time to first partial added by the gateway, p50', measured: round(added, 2), limit: `< ${FIRST_PARTIAL_ADDED_P50_LIMIT_MS} ms`, met: added < FIRST_PARTIAL_ADDED_P50_LIMIT_MS, detail: `${firstPartial.gateway.p50Ms.toFixed(2)} vs ${firstPartial.direct.p50Ms.toFixed(2)} ms direct` })
  }
  return targets
}

function cells (values: string[], widths: number[]): string {
  return values.map((value, index) => (index < 2 ? value.padEnd(widths[index] ?? 0) : value.padStart(widths[index] ?? 0))).join('  ')
}

function editFloorLines (scenarios: ScenarioResult[], editFloor: EditFloorResult): string[] {
  const { parts } = editFloor
  const ratio = editFloorRatio(scenarios, editFloor)
  const gateway = contender(scenarios.find((scenario) => scenario.name === 'edit-4-inputs'), 'gateway')
  return [
    `edit floor (${editFloor.inputs} inputs, ${(editFloor.uploadBytes / MB).toFixed(2)} MB upload, ${(editFloor.outputBytes / MB).toFixed(2)} MB output; own process): ${editFloor.cpuMsPerRequest.toFixed(2)} CPU ms/request`,
    `  parse ${parts.parseMs.toFixed(2)} + sha256 ${parts.sha256Ms.toFixed(2)} + store inputs ${parts.storeInputsMs.toFixed(2)} + forward ${parts.forwardMs.toFixed(2)} = ${editFloor.inputsCpuMs.toFixed(2)} ms for the inputs, + output ${parts.outputMs.toFixed(2)} ms`,
    ...(gateway !== undefined && ratio !== undefined ? [`  edit-4-inputs gateway ${gateway.cpuMsPerRequest.toFixed(2)} CPU ms/request = ${ratio.toFixed(2)}x the edit floor`] : [])
  ]
}

function firstPartialLines (result: FirstPartialResult): string[] {
  const row = (label: string, p50: number, p95: number) => `  ${label.padEnd(10)} p50 ${p50.toFixed(2).padStart(8)} ms   p95 ${p95.toFixed(2).padStart(8)} ms`
  return [
    `stream-first-partial (${result.body.size}, partial_images ${result.body.partial_images}, simulator gap ${result.streamGapMs} ms; ${result.rounds} rounds of ${result.pairsPerRound} alternating pairs, one at a time):`,
    row('gateway', result.gateway.p50Ms, result.gateway.p95Ms),
    row('direct', result.direct.p50Ms, result.direct.p95Ms),
    row('added', result.addedP50Ms, result.addedP95Ms)
  ]
}

export function formatTable (scenarios: ScenarioResult[], floor: FloorResult, inflight: InflightResult | undefined, targets: Target[], skipped: Skipped[], extras: Extras = {}): string {
  const widths = [13, 18, 8, 8, 8, 11, 11, 9, 8]
  const lines = [cells(['scenario', 'contender', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'CPU ms/img', 'peak RSS', 'vs ref'], widths)]
  for (const scenario of scenarios) {
    const reference = contender(scenario, scenario.reference)
    for (const entry of scenario.contenders) {
      const m = entry.median
      const ratio = reference !== undefined && entry.label !== scenario.reference ? `${(m.requestsPerSecond / reference.requestsPerSecond).toFixed(2)}x` : 'ref'
      lines.push(cells([scenario.name, entry.label, m.requestsPerSecond.toFixed(0), m.p50Ms.toFixed(0), m.p99Ms.toFixed(0), m.cpuMsPerRequest.toFixed(2), (m.cpuMsPerRequest / scenario.imagesPerRequest).toFixed(2), `${m.peakRssMb.toFixed(0)} MB`, ratio], widths))
    }
  }
  for (const entry of skipped) lines.push(`${entry.name.padEnd(13)}  skipped: ${entry.reason}`)
  lines.push('', `floor (JSON.parse + base64 decode + sha256 + write, fsync, rename of a ${(floor.imageBytes / MB).toFixed(2)} MB image): ${floor.cpuMsPerImage.toFixed(2)} CPU ms/image (${floor.cpuMsPerImageNoFsync.toFixed(2)} without fsync)`)
  if (inflight !== undefined) {
    lines.push(`inflight (${inflight.concurrent} concurrent big requests, upstream delay ${inflight.upstreamDelayMs} ms):`)
    for (const entry of inflight.contenders) {
      lines.push(`  ${entry.label.padEnd(10)} resting ${entry.median.restingRssMb.toFixed(0)} MB, peak ${entry.median.peakRssMb.toFixed(0)} MB, growth ${entry.median.growthPerRequestMb.toFixed(2)} MB per in-flight request`)
    }
  }
  if (extras.editFloor !== undefined) lines.push(...editFloorLines(scenarios, extras.editFloor))
  if (extras.firstPartial !== undefined) lines.push(...firstPartialLines(extras.firstPartial))
  lines.push('', 'targets:')
  for (const target of targets) {
    const verdict = target.met === null ? 'SKIPPED' : target.met ? 'met' : 'MISSED'
    lines.push(`  ${verdict.padEnd(7)} ${target.name}: ${target.measured ?? '—'} (${target.limit}; ${target.detail})`)
  }
  return lines.join('\n')
}
