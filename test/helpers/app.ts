// The gateway assembled but not listening, for contract checks that never reach the provider
// (validation, authentication, 404/415): requests go through `app.inject`, in process, with no
// simulator and no socket. The upstream is an address where nothing listens, with no retries, so a
// request that did reach it would fail (502) rather than pass; providerAttempts() counts any try.
// Tests where the wire matters (connections, raw HTTP, streaming, timeouts, a real upstream) use
// startTestGateway in ./gateway.ts instead.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { loadConfig } from '../../src/config/load-config.js'
import { assembleGateway, type AssembledGateway } from '../../src/gateway.js'
import { noUpstreamEvents } from '../../src/upstream/upstream-events.js'
import { capturedLogger } from './captured-logs.js'
import { TEST_KEY } from './gateway.js'
import { makeDataDir, type Teardown } from './temp-dir.js'

/** Where no provider listens: the discard port on loopback refuses the connection at once. */
export const UNREACHABLE_UPSTREAM = 'http://127.0.0.1:9/v1'

export interface TestApp {
  app: FastifyInstance
  gateway: AssembledGateway
  dataDir: string
  logLines: string[]
  /** HTTP attempts made to the provider since the app was built, retries included. */
  providerAttempts(): number
  /** A JSON POST with the test key; `headers` add to or replace the defaults. */
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
}

export async function buildTestApp (t: Teardown, env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = await makeDataDir(t)
  const { logger, logLines } = capturedLogger()
  let attempts = 0
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    API_KEYS: TEST_KEY,
    UPSTREAM_BASE_URL: UNREACHABLE_UPSTREAM,
    UPSTREAM_MAX_RETRIES: '0',
    STORAGE_FSYNC: 'false',
    LOG_LEVEL: 'debug',
    ...env
  })
  const gateway = await assembleGateway({
    config,
    checkResponses: true,
    loggerInstance: logger,
    upstreamEvents: { ...noUpstreamEvents, attempt: () => { attempts++ } }
  })
  t.teardown(() => gateway.close())
  const { app } = gateway
  return {
    app,
    gateway,
    dataDir,
    logLines,
    providerAttempts: () => attempts,
    post: async (url, body, headers = {}) => await app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body)
    })
  }
}
