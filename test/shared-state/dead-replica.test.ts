// A replica that dies (SIGKILL: no shutdown, no release) while holding an in-flight slot: the slot
// is a lease that its replica renews while the generation runs, so it stays taken while the
// replica lives and frees itself one lease after the replica is gone.
import { spawn } from 'node:child_process'
import t from 'tap'
import { startSimulator } from '../../src/simulator/index.js'
import { SIMULATOR_KEY, startGatewayOn, TEST_KEY } from '../helpers/gateway.js'
import { redisAvailable, testRedis } from '../helpers/redis.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { waitFor } from '../helpers/wait-for.js'

interface Usage { in_flight: { used: number } }

if (redisAvailable(t)) {
  t.test('a killed replica\'s in-flight slot stays held while it lives and frees one lease after it dies', async (t) => {
    const redis = await testRedis(t)
    const simulator = await startSimulator({ apiKey: SIMULATOR_KEY })
    t.teardown(() => simulator.close())
    const shared = {
      API_KEYS: TEST_KEY,
      UPSTREAM_BASE_URL: `${simulator.url}/v1`,
      UPSTREAM_API_KEY: SIMULATOR_KEY,
      UPSTREAM_MAX_RETRIES: '0',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      MAX_IN_FLIGHT: '1',
      IN_FLIGHT_LEASE_MS: '1000'
    }
    // Replica A is a real process, so it can die without running any cleanup.
    const replicaA = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...shared, HOST: '127.0.0.1', PORT: '0', DATA_DIR: await makeDataDir(t), STORAGE_FSYNC: 'false' }
    })
    t.teardown(() => { replicaA.kill('SIGKILL') })
    let output = ''
    replicaA.stdout.on('data', (chunk) => { output += String(chunk) })
    const urlA = await waitFor(() => /"msg":"Server listening at (http:\/\/[^"]+)"/.exec(output)?.[1], 'replica A to listen')
    const { gateway: replicaB } = await startGatewayOn(t, await makeDataDir(t), simulator, shared)
    const post = (url: string) => fetch(`${url}/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'held by a replica that dies', size: '512x512' })
    })
    const inFlightSeenByB = async () => ((await (await fetch(`${replicaB.url}/v1/usage`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json()) as Usage).in_flight.used

    simulator.pushFault({ kind: 'delay', ms: 120_000 }) // the provider holds A's generation
    const heldOnA = post(urlA).catch(() => undefined)
    await waitFor(async () => (await inFlightSeenByB()) === 1 ? true : undefined, 'A to hold the slot')
    await new Promise((resolve) => setTimeout(resolve, 2500)) // more than two leases
    const refused = await post(replicaB.url)
    t.equal(refused.status, 429, 'A renews its lease while its generation runs, so the slot is still taken')
    t.equal(((await refused.json()) as { error: { code: string } }).error.code, 'too_many_in_flight')

    replicaA.kill('SIGKILL')
    await heldOnA
    await waitFor(async () => (await inFlightSeenByB()) === 0 ? true : undefined, 'the dead replica\'s slot to lapse')
    t.pass('the slot freed itself after the lease')
    t.equal((await post(replicaB.url)).status, 200, 'replica B can use the slot')
  })
}
