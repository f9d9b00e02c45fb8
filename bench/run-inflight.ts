// The in-flight scenario: 200 requests at once for big images while the provider takes 2 s, so all
// of them are held by the gateway together. A fresh process per round, warmed up with a few
// requests and garbage-collected; the growth from that resting RSS to the peak, per in-flight
// generation, is compared with the image's raw size.
import { rm } from 'node:fs/promises'
import { runLoad } from './load.js'
import { AUTH, startContender, type BenchContext } from './run-scenario.js'
import { BIG_SIZE, type Contender } from './scenarios.js'
import { MB, median } from './stats.js'

export interface InflightRound {
  restingRssMb: number
  peakRssMb: number
  growthPerRequestMb: number
  seconds: number
}

export interface InflightResult {
  concurrent: number
  upstreamDelayMs: number
  contenders: Array<{ label: string, rounds: InflightRound[], median: InflightRound }>
}

const BODY = { prompt: 'bench inflight', size: BIG_SIZE }

async function oneRound (contender: Contender, context: BenchContext, concurrent: number): Promise<InflightRound> {
  const { child, dataDir } = await startContender(contender, context)
  try {
    const url = `${child.url}/generate`
    await runLoad({ url, body: BODY, headers: AUTH, connections: 4, amount: 8, timeoutS: 60 })
    await child.gc()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const resting = await child.rssBytes()
    await child.resetPeakRss()
    const load = await runLoad({ url, body: BODY, headers: AUTH, connections: concurrent, amount: concurrent, timeoutS: 60 })
    const peak = await child.peakRssBytes()
    return { restingRssMb: resting / MB, peakRssMb: peak / MB, growthPerRequestMb: (peak - resting) / concurrent / MB, seconds: load.seconds }
  } finally {
    await child.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

export async function runInflight (contenders: Contender[], context: BenchContext, concurrent: number, upstreamDelayMs: number, log: (line: string) => void): Promise<InflightResult> {
  const results = contenders.map((contender) => ({ label: contender.label, rounds: [] as InflightRound[] }))
  for (let round = 1; round <= context.settings.rounds; round++) {
    for (const [index, contender] of contenders.entries()) {
      const measured = await oneRound(contender, context, concurrent)
      results[index]?.rounds.push(measured)
      log(`  inflight round ${round} ${contender.label}: resting ${measured.restingRssMb.toFixed(0)} MB, peak ${measured.peakRssMb.toFixed(0)} MB, ${measured.growthPerRequestMb.toFixed(2)} MB per in-flight request`)
    }
  }
  return {
    concurrent,
    upstreamDelayMs,
    contenders: results.map((result) => ({
      label: result.label,
      rounds: result.rounds,
      median: {
        restingRssMb: median(result.rounds.map((round) => round.restingRssMb)),
        peakRssMb: median(result.rounds.map((round) => round.peakRssMb)),
        growthPerRequestMb: median(result.rounds.map((round) => round.growthPerRequestMb)),
        seconds: median(result.rounds.map((round) => round.seconds))
      }
    }))
  }
}
