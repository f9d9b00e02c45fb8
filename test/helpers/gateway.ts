// Starts a real gateway on an ephemeral port in front of a real simulator over HTTP, with a fresh
// data directory and captured logs, and tears both down when the test ends.
import { loadConfig } from '../../src/config/load-config.js'
import { startGateway, type RunningGateway } from '../../src/gateway.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js'
import { capturedLogger } from './captured-logs.js'
import { makeDataDir, type Teardown } from './temp-dir.js'
import type { UpstreamEvents } from '../../src/upstream/upstream-events.js'
import type { SharedStateEvents } from '../../src/shared-state/shared-state-events.js'

export const TEST_KEY = 'igw_test_key_0123456789abcdef'
export const SIMULATOR_KEY = 'sim-secret-key'

export interface TestGateway {
  gateway: RunningGateway
  simulator: Simulator
  url: string
  dataDir: string
  logLines: string[]
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>
}

export interface TestGatewayOptions {
  env?: Record<string, string>
  simulator?: SimulatorOptions
  dataDir?: string
  /** Environment the gateway reads upstream keys from (UPSTREAMS_FILE's apiKeyEnv). */
  processEnv?: Record<string, string>
  upstreamEvents?: UpstreamEvents
  /** Clock of the gateway's circuit breakers. */
  now?: () => number
  sharedStateEvents?: SharedStateEvents
  /** Runs once the simulator is up, before the gateway starts (e.g. to write config naming it). */
  beforeStart?: (simulator: Simulator) => Promise<void>
}

export async function startTestGateway (t: Teardown, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const simulator = await startSimulator({ apiKey: SIMULATOR_KEY, ...options.simulator })
  t.teardown(() => simulator.close())
  const dataDir = options.dataDir ?? await makeDataDir(t)
  await options.beforeStart?.(simulator)
  const { gateway, logLines } = await startGatewayOn(t, dataDir, simulator, options.env, options)
  return {
    gateway,
    simulator,
    url: gateway.url,
    dataDir,
    logLines,
    post: (urlPath, body, headers = {}) => fetch(`${gateway.url}${urlPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body)
    })
  }
}

/** Starts (another) gateway on an existing data directory and simulator, e.g. to test a restart. */
export async function startGatewayOn (t: Teardown, dataDir: string, simulator: Simulator, env: Record<string, string> = {}, extra: Pick<TestGatewayOptions, 'processEnv' | 'upstreamEvents' | 'now' | 'sharedStateEvents'> = {}) {
  const { logger, logLines } = capturedLogger()
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    API_KEYS: TEST_KEY,
    UPSTREAM_BASE_URL: `${simulator.url}/v1`,
    UPSTREAM_API_KEY: SIMULATOR_KEY,
    UPSTREAM_MAX_RETRIES: '0',
    STORAGE_FSYNC: 'false',
    LOG_LEVEL: 'debug',
    ...env
  })
  const gateway = await startGateway({ config, env: extra.processEnv, upstreamEvents: extra.upstreamEvents, now: extra.now, sharedStateEvents: extra.sharedStateEvents, checkResponses: true, loggerInstance: logger })
  t.teardown(() => gateway.close())
  return { gateway, logLines }
}
