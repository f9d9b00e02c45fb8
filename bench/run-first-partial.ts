// The stream-first-partial scenario: time to the first partial image of a streamed generation,
// through the gateway and from the simulator directly, side by side. The machine is noisy, so the
// two are measured in pairs, one request each, the order flipping every pair, one request at a time
// over a kept-alive connection; the simulator waits `gapMs` between events, so the first partial
// stands apart from the later events and from storing the final image.
import { rm } from 'node:fs/promises'
import { Pool } from 'undici'
import { timeFirstPartial, type StreamedRequest } from './first-partial.js'
import { AUTH, clearStoredImages, startContender, type BenchContext } from './run-scenario.js'
import { SIMULATOR_KEY } from './scenarios.js'
import { percentile } from './stats.js'

export const FIRST_PARTIAL_SIZE = '1024x1024'
export const FIRST_PARTIAL_BODY = { prompt: 'bench stream', size: FIRST_PARTIAL_SIZE, stream: true, partial_images: 2 }

export interface FirstPartialSide {
  label: 'gateway' | 'direct'
  /** Milliseconds from sending the request to holding the whole first partial event, in order. */
  samplesMs: number[]
  p50Ms: number
  p95Ms: number
}

export interface FirstPartialResult {
  body: typeof FIRST_PARTIAL_BODY
  streamGapMs: number
  rounds: number
  pairsPerRound: number
  gateway: FirstPartialSide
  direct: FirstPartialSide
  /** Gateway p50 − direct p50: what the gateway adds at the median (target: under 5 ms). */
  addedP50Ms: number
  addedP95Ms: number
}

export interface FirstPartialOptions {
  rounds: number
  pairsPerRound: number
  warmupPairs: number
  streamGapMs: number
}

function side (label: FirstPartialSide['label'], samplesMs: number[]): FirstPartialSide {
  return { label, samplesMs, p50Ms: percentile(samplesMs, 50), p95Ms: percentile(samplesMs, 95) }
}

/** `context.simulatorUrl` must be a simulator started with `options.streamGapMs` between events. */
export async function runFirstPartial (context: BenchContext, options: FirstPartialOptions, log: (line: string) => void): Promise<FirstPartialResult> {
  const { child, dataDir } = await startContender({ label: 'gateway', kind: 'gateway' }, context)
  const gatewayPool = new Pool(child.url, { connections: 1 })
  const directPool = new Pool(context.simulatorUrl, { connections: 1 })
  const body = JSON.stringify(FIRST_PARTIAL_BODY)
  const targets: Record<FirstPartialSide['label'], StreamedRequest> = {
    gateway: { url: `${child.url}/v1/images/generations`, headers: AUTH, body, prefix: 'image_generation', dispatcher: gatewayPool },
    direct: { url: `${context.simulatorUrl}/v1/images/generations`, headers: { authorization: `Bearer ${SIMULATOR_KEY}` }, body, prefix: 'image_generation', dispatcher: directPool }
  }
  const samples: Record<FirstPartialSide['label'], number[]> = { gateway: [], direct: [] }
  try {
    for (let pair = 0; pair < options.warmupPairs; pair++) {
      await timeFirstPartial(targets.gateway)
      await timeFirstPartial(targets.direct)
    }
    for (let round = 1; round <= options.rounds; round++) {
      const roundSamples: Record<FirstPartialSide['label'], number[]> = { gateway: [], direct: [] }
      for (let pair = 0; pair < options.pairsPerRound; pair++) {
        const order: Array<FirstPartialSide['label']> = (round + pair) % 2 === 0 ? ['gateway', 'direct'] : ['direct', 'gateway']
        for (const label of order) roundSamples[label].push((await timeFirstPartial(targets[label])).firstPartialMs)
      }
      samples.gateway.push(...roundSamples.gateway)
      samples.direct.push(...roundSamples.direct)
      await clearStoredImages(dataDir, 0)
      log(`  stream-first-partial round ${round}: p50 gateway ${percentile(roundSamples.gateway, 50).toFixed(2)} ms, direct ${percentile(roundSamples.direct, 50).toFixed(2)} ms`)
    }
  } finally {
    await Promise.all([gatewayPool.close(), directPool.close()])
    await child.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  const gateway = side('gateway', samples.gateway)
  const direct = side('direct', samples.direct)
  return {
    body: FIRST_PARTIAL_BODY,
    streamGapMs: options.streamGapMs,
    rounds: options.rounds,
    pairsPerRound: options.pairsPerRound,
    gateway,
    direct,
    addedP50Ms: gateway.p50Ms - direct.p50Ms,
    addedP95Ms: gateway.p95Ms - direct.p95Ms
  }
}
