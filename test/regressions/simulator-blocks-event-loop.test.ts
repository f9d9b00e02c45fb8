// The in-process simulator (no UPSTREAM_BASE_URL) made its pixels in one synchronous loop: during a
// 4096x4096, n=4 generation the gateway sharing its event loop (and /healthz) stalled for seconds
// (6.8 s measured here), nearly the whole generation. Now the pixels are made in slices with a turn
// of the loop between them. Asserted as a proportion, not a wall-clock bound: the longest stall of
// the loop must be a small part of the generation, whatever the machine's speed or load.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import t from 'tap'
import { pino } from 'pino'
import { loadConfig } from '../../src/config/load-config.js'
import { startGateway } from '../../src/gateway.js'
import { TEST_KEY } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'

t.test('a 4096x4096 n=4 generation on the in-process simulator never stalls the event loop for more than a fraction of it, and /healthz answers meanwhile', async (t) => {
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: await makeDataDir(t), API_KEYS: TEST_KEY, STORAGE_FSYNC: 'false', LOG_LEVEL: 'silent' })
  const gateway = await startGateway({ config, loggerInstance: pino({ level: 'silent' }) })
  t.teardown(() => gateway.close())
  t.ok(gateway.simulator !== undefined, 'no upstream configured: the built-in simulator runs in this process')

  const delay = monitorEventLoopDelay({ resolution: 10 })
  await new Promise((resolve) => setTimeout(resolve, 50)) // let the monitor start sampling
  delay.enable()
  const started = performance.now()
  let done = false
  const generation = fetch(`${gateway.url}/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a very large lighthouse', size: '4096x4096', n: 4 })
  }).finally(() => { done = true })
  let healthAnswers = 0
  while (!done) { // eslint-disable-line no-unmodified-loop-condition -- the generation's finally() sets done
    if ((await fetch(`${gateway.url}/healthz`)).status === 200 && !done) healthAnswers++
  }
  const response = await generation
  const elapsedMs = performance.now() - started
  delay.disable()
  t.equal(response.status, 200)
  const answer = await response.json() as { data: unknown[] }
  t.equal(answer.data.length, 4)
  const longestStallMs = delay.max / 1e6
  t.ok(longestStallMs < elapsedMs / 2, `the longest stall (${Math.round(longestStallMs)} ms) is a small part of the generation (${Math.round(elapsedMs)} ms)`)
  t.ok(healthAnswers >= 2, `/healthz answered while the generation ran (${healthAnswers} times)`)
})
