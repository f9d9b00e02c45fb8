// The new benchmark numbers in the report: the first-partial target (under 5 ms added at p50) is
// met or missed on the measured difference, and the edit's ratio is the gateway's CPU per request
// over the edit floor. Percentiles are nearest-rank, so every reported value was measured.
import t from 'tap'
import type { EditFloorResult } from '../../bench/edit-floor.js'
import type { FloorResult } from '../../bench/floor.js'
import { editFloorRatio, evaluateTargets, formatTable } from '../../bench/report.js'
import { FIRST_PARTIAL_BODY, type FirstPartialResult } from '../../bench/run-first-partial.js'
import type { ScenarioResult } from '../../bench/run-scenario.js'
import { percentile } from '../../bench/stats.js'

const floor: FloorResult = { iterations: 1, imageBytes: 1, base64Chars: 1, cpuMsPerImage: 1, cpuMsPerImageNoFsync: 1, wallMsPerImage: 1 }

function firstPartial (gatewayP50: number, directP50: number): FirstPartialResult {
  return {
    body: FIRST_PARTIAL_BODY,
    streamGapMs: 50,
    rounds: 1,
    pairsPerRound: 1,
    gateway: { label: 'gateway', samplesMs: [gatewayP50], p50Ms: gatewayP50, p95Ms: gatewayP50 },
    direct: { label: 'direct', samplesMs: [directP50], p50Ms: directP50, p95Ms: directP50 },
    addedP50Ms: gatewayP50 - directP50,
    addedP95Ms: gatewayP50 - directP50
  }
}

t.test('the first-partial target is met under 5 ms added at p50 and missed from 5 ms', async (t) => {
  const target = (result: FirstPartialResult) => evaluateTargets([], floor, undefined, [], { firstPartial: result }).find((entry) => entry.name.startsWith('stream-first-partial'))
  t.match(target(firstPartial(8.9, 4)), { measured: 4.9, met: true })
  t.match(target(firstPartial(9, 4)), { measured: 5, met: false })
  t.equal(evaluateTargets([], floor, undefined, []).length, 0, 'no target when the scenario did not run')
})

t.test('the edit ratio is the gateway\'s CPU per request over the edit floor, and both are printed', async (t) => {
  const measurement = { requestsPerSecond: 1, p50Ms: 1, p99Ms: 1, cpuMsPerRequest: 60, peakRssMb: 1 }
  const scenarios: ScenarioResult[] = [{ name: 'edit-4-inputs', description: '', imagesPerRequest: 1, reference: 'gateway', contenders: [{ label: 'gateway', kind: 'gateway', rounds: [measurement], median: measurement }] }]
  const editFloor: EditFloorResult = { iterations: 1, inputs: 4, uploadBytes: 6e6, outputBytes: 1.5e6, parts: { parseMs: 2, sha256Ms: 4, storeInputsMs: 8, forwardMs: 1, outputMs: 5 }, inputsCpuMs: 15, cpuMsPerRequest: 20 }
  t.equal(editFloorRatio(scenarios, editFloor), 3)
  t.equal(editFloorRatio([], editFloor), undefined)
  const table = formatTable(scenarios, floor, undefined, [], [], { editFloor, firstPartial: firstPartial(9, 4) })
  t.match(table, /= 3\.00x the edit floor/)
  t.match(table, /added\s+p50\s+5\.00 ms/)
})

t.test('percentiles are nearest-rank values that were measured', async (t) => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
  t.equal(percentile(values, 50), 5)
  t.equal(percentile(values, 95), 10)
  t.equal(percentile([7], 95), 7)
  t.ok(Number.isNaN(percentile([], 50)))
})
