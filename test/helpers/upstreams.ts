// Two simulators as named upstreams behind one gateway, with attempt counting through the
// gateway's own upstream hooks.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { stringify } from 'yaml'
import { startSimulator, type Simulator } from '../../src/simulator/index.js'
import type { UpstreamEvents } from '../../src/upstream/upstream-events.js'
import { SIMULATOR_KEY, startTestGateway, type TestGateway } from './gateway.js'
import { makeDataDir, type Teardown } from './temp-dir.js'

export interface CountingEvents extends UpstreamEvents {
  attempts: Record<string, number>
  fallbacks: Array<{ from: string, to: string, reason: string }>
  breakers: Array<{ upstream: string, state: string }>
}

export function countingEvents (): CountingEvents {
  const events: CountingEvents = {
    attempts: {},
    fallbacks: [],
    breakers: [],
    attempt (upstream) { events.attempts[upstream] = (events.attempts[upstream] ?? 0) + 1 },
    outcome () {},
    fallback (from, to, reason) { events.fallbacks.push({ from, to, reason }) },
    breaker (upstream, state) { events.breakers.push({ upstream, state }) }
  }
  return events
}

export interface TwoUpstreams {
  env: TestGateway
  primary: Simulator
  backup: Simulator
  events: CountingEvents
}

export async function gatewayWithUpstreams (t: Teardown, options: { fallback: boolean, maxRetries: number, env?: Record<string, string>, primaryUrl?: string, now?: () => number }): Promise<TwoUpstreams> {
  const backup = await startSimulator({ apiKey: 'backup-key' })
  t.teardown(() => backup.close())
  const dir = await makeDataDir(t)
  const events = countingEvents()
  const file = path.join(dir, 'upstreams.yaml')
  // The test gateway's own simulator plays the primary.
  const started = await startTestGateway(t, {
    env: { UPSTREAMS_FILE: file, BREAKER_FAILURES: '1000', ...options.env },
    processEnv: { PRIMARY_KEY: 'sim-secret-key', BACKUP_KEY: 'backup-key' },
    upstreamEvents: events,
    now: options.now,
    beforeStart: async (simulator) => {
      await writeFile(file, stringify({
        upstreams: [
          { name: 'primary', baseUrl: options.primaryUrl ?? `${simulator.url}/v1`, apiKeyEnv: 'PRIMARY_KEY', maxRetries: options.maxRetries },
          { name: 'backup', baseUrl: `${backup.url}/v1`, apiKeyEnv: 'BACKUP_KEY', maxRetries: 0 }
        ],
        routes: [{ model: '*', targets: options.fallback ? [{ upstream: 'primary' }, { upstream: 'backup' }] : [{ upstream: 'primary' }] }]
      }))
    }
  })
  return { env: started, primary: started.simulator, backup, events }
}

/**
 * A gateway whose one upstream cannot stream: the simulator refuses `stream`, and the upstreams
 * file says `stream: false`, so the gateway calls it plainly even for a streamed request.
 */
export async function gatewayWithPlainUpstream (t: Teardown): Promise<TestGateway> {
  const dir = await makeDataDir(t)
  const file = path.join(dir, 'upstreams.yaml')
  return await startTestGateway(t, {
    simulator: { streaming: 'rejected' },
    env: { UPSTREAMS_FILE: file },
    processEnv: { SIM_KEY: SIMULATOR_KEY },
    beforeStart: async (simulator) => {
      await writeFile(file, stringify({
        upstreams: [{ name: 'plain', baseUrl: `${simulator.url}/v1`, apiKeyEnv: 'SIM_KEY', maxRetries: 0, stream: false }],
        routes: [{ model: '*', targets: [{ upstream: 'plain' }] }]
      }))
    }
  })
}
