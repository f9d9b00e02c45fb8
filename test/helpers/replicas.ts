// Several gateway replicas in one test, as behind a load balancer: the same Redis (with this
// test's own key prefix), the same S3 bucket (s3rver), the same upstream simulator, one tenants file.
import type { Test } from 'tap'
import { SharedStateCounters } from '../../src/shared-state/shared-state-events.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js'
import { SIMULATOR_KEY, startGatewayOn } from './gateway.js'
import { testRedis, type TestRedis } from './redis.js'
import { startS3rver, type TestS3 } from './s3rver.js'
import { makeDataDir } from './temp-dir.js'
import { writeTenantsFile } from './tenants-file.js'

export const TENANT_KEY = 'replica-tenant-key-0123456789'

export interface Replica {
  url: string
  logLines: string[]
  sharedState: SharedStateCounters
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>
  get(path: string): Promise<Response>
}

export interface Replicas {
  redis: TestRedis
  s3: TestS3
  simulator: Simulator
  env: Record<string, string>
  replicas: Replica[]
  /** Starts one more replica on the same shared state (e.g. with other env overrides). */
  add(env?: Record<string, string>): Promise<Replica>
}

export interface ReplicaOptions {
  policy?: Record<string, unknown>
  env?: Record<string, string>
  simulator?: SimulatorOptions
  count?: number
  /** Clock shared by the replicas (quota windows), e.g. test/helpers/clock.ts `middayClock()`. */
  now?: () => number
}

export async function startReplicas (t: Test, options: ReplicaOptions = {}): Promise<Replicas> {
  const redis = await testRedis(t)
  const s3 = await startS3rver(t)
  const simulator = await startSimulator({ apiKey: SIMULATOR_KEY, ...options.simulator })
  t.teardown(() => simulator.close())
  const tenantsFile = await writeTenantsFile(await makeDataDir(t), [{ id: 'acme', keys: [TENANT_KEY], ...(options.policy !== undefined ? { policy: options.policy } : {}) }])
  const env = { ...s3.env, TENANTS_FILE: tenantsFile, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix, ...options.env }

  const add = async (overrides: Record<string, string> = {}): Promise<Replica> => {
    const sharedState = new SharedStateCounters()
    const { gateway, logLines } = await startGatewayOn(t, await makeDataDir(t), simulator, { ...env, ...overrides }, { sharedStateEvents: sharedState, now: options.now })
    return {
      url: gateway.url,
      logLines,
      sharedState,
      post: (path, body, headers = {}) => fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TENANT_KEY}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body)
      }),
      get: (path) => fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${TENANT_KEY}` } })
    }
  }
  const replicas: Replica[] = []
  for (let index = 0; index < (options.count ?? 2); index++) replicas.push(await add())
  return { redis, s3, simulator, env, replicas, add }
}

/** The replica for request `index`, round-robin, as a load balancer would spread them. */
export const roundRobin = <T>(replicas: T[], index: number): T => replicas[index % replicas.length] as T
