// `npm run simulator`: the OpenAI-compatible simulator on its own, for trying clients or running
// the gateway against it from another process.
import { ConfigError } from '../config/load-config.js'
import { parseSimulatorEnv } from '../config/simulator-env.js'
import { startSimulator } from './index.js'

let env
try {
  env = parseSimulatorEnv(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(1)
}
const simulator = await startSimulator({
  host: env.SIM_HOST,
  port: env.SIM_PORT,
  apiKey: env.SIM_API_KEY,
  urlTtlMs: env.SIM_URL_TTL_SECONDS * 1000,
  latencyMs: env.SIM_LATENCY_MS,
  imageKind: env.SIM_IMAGE_KIND,
  cacheAnswers: env.SIM_CACHE_ANSWERS,
  streaming: env.SIM_STREAMING,
  streamGapMs: env.SIM_STREAM_GAP_MS
})
process.stdout.write(`Image simulator listening at ${simulator.url} (OpenAI base URL: ${simulator.url}/v1)\n`)
const stop = () => { void simulator.close().then(() => process.exit(0)) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
