// Side-by-side cost of Redis-backed limits vs in-memory ones: two gateways in one process, same
// simulator, same settings except REDIS_URL, the same requests fired at each (sequentially, then
// with concurrency), req/s and the ratio printed. Loopback only, bounded request counts.
//   REDIS_URL=redis://127.0.0.1:6379 npx tsx scripts/compare-limits.ts [requests]
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { loadConfig } from '../src/config/load-config.js'
import { startGateway, type RunningGateway } from '../src/gateway.js'
import { startSimulator } from '../src/simulator/index.js'

const redisUrl = process.env.REDIS_URL
if (redisUrl === undefined) {
  console.error('Set REDIS_URL (e.g. redis://127.0.0.1:6379) to compare.')
  process.exit(1)
}
const requests = Number(process.argv[2] ?? 1000)
const KEY = 'compare-limits-key-0123456789'
const prefix = `igw-compare:${randomBytes(4).toString('hex')}:`

async function start (dataDir: string, simulatorUrl: string, extra: Record<string, string>): Promise<RunningGateway> {
  return await startGateway({
    config: loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      API_KEYS: KEY,
      LOG_LEVEL: 'silent',
      STORAGE_FSYNC: 'false',
      UPSTREAM_BASE_URL: `${simulatorUrl}/v1`,
      UPSTREAM_API_KEY: 'sim',
      UPSTREAM_MAX_RETRIES: '0',
      RATE_LIMIT_MAX: '100000000',
      IMAGES_PER_MINUTE: '100000000',
      IMAGES_PER_DAY: '100000000',
      MAX_IN_FLIGHT: '10000',
      ...extra
    })
  })
}

const call = async (url: string, route: 'usage' | 'generate') => {
  const response = route === 'usage'
    ? await fetch(`${url}/v1/usage`, { headers: { authorization: `Bearer ${KEY}` } })
    : await fetch(`${url}/generate`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: '{"prompt":"bench","size":"512x512"}' })
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${route} answered ${response.status}`)
}

/** Requests per second for `count` requests, `concurrency` at a time. */
async function rate (url: string, route: 'usage' | 'generate', count: number, concurrency: number): Promise<number> {
  let next = 0
  const began = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++
      await call(url, route)
    }
  }))
  return count / ((performance.now() - began) / 1000)
}

const simulator = await startSimulator({ apiKey: 'sim' })
const dirs = [await mkdtemp(path.join(tmpdir(), 'igw-compare-')), await mkdtemp(path.join(tmpdir(), 'igw-compare-'))]
const memory = await start(dirs[0] as string, simulator.url, {})
const shared = await start(dirs[1] as string, simulator.url, { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix })
try {
  const rows: string[] = []
  const runs: Array<[string, 'usage' | 'generate', number, number]> = [
    ['GET /v1/usage, sequential', 'usage', requests, 1],
    ['GET /v1/usage, 16 concurrent', 'usage', requests * 2, 16],
    ['POST /generate, sequential', 'generate', Math.ceil(requests / 10), 1],
    ['POST /generate, 8 concurrent', 'generate', Math.ceil(requests / 5), 8]
  ]
  for (const gateway of [memory, shared]) await rate(gateway.url, 'usage', 200, 8) // warm-up
  for (const gateway of [memory, shared]) await rate(gateway.url, 'generate', 20, 4)
  for (const [name, route, count, concurrency] of runs) {
    // Interleaved and repeated, best of three each, so a noisy neighbour hurts both sides alike.
    const best = { memory: 0, redis: 0 }
    for (let round = 0; round < 3; round++) {
      best.memory = Math.max(best.memory, await rate(memory.url, route, count, concurrency))
      best.redis = Math.max(best.redis, await rate(shared.url, route, count, concurrency))
    }
    rows.push(`| ${name} | ${count} | ${best.memory.toFixed(0)} | ${best.redis.toFixed(0)} | ${(best.redis / best.memory).toFixed(2)} |`)
  }
  console.log('| Run | Requests | In-memory req/s | Redis req/s | Redis / memory |')
  console.log('|---|---|---|---|---|')
  for (const row of rows) console.log(row)
} finally {
  await memory.close()
  await shared.close()
  await simulator.close()
  const cleanup = new Redis(redisUrl)
  const keys = await cleanup.keys(`${prefix}*`)
  if (keys.length > 0) await cleanup.del(...keys)
  cleanup.disconnect()
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
}
