// What broke: the fault matrix's retried rows (500, 502, 503, 429) left the openai SDK to its own
// exponential backoff, so the file spent about 12 s asleep. Those rows now make the simulator send
// `retry-after-ms`, which the SDK obeys. Checked on the rows and on the simulator's real answers.
import t from 'tap'
import { startSimulator } from '../../src/simulator/index.js'
import { SIMULATOR_KEY } from '../helpers/gateway.js'
import { faultRows, RETRY_AFTER_MS } from '../resilience/fault-rows.js'

const retriedAnswers = faultRows.filter((row) => row.attempts > 1 && row.fault?.kind === 'status')

t.test('every fault-matrix row that the SDK retries after an HTTP answer asks for a short retry-after-ms', async (t) => {
  t.same(retriedAnswers.map((row) => row.name), ['500', '502', '503', '429 with retry-after'], 'the rows that retry on an answer')
  t.ok(RETRY_AFTER_MS <= 100, 'short enough not to matter')
  for (const row of retriedAnswers) {
    t.match(row.fault, { retryAfterMs: RETRY_AFTER_MS }, row.name)
  }
})

t.test('the simulator answers those rows with the retry-after-ms header', async (t) => {
  const simulator = await startSimulator({ apiKey: SIMULATOR_KEY })
  t.teardown(() => simulator.close())
  for (const row of retriedAnswers) {
    simulator.setDefaultFault(row.fault)
    const response = await fetch(`${simulator.url}/v1/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SIMULATOR_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: row.name })
    })
    t.equal(response.status, row.fault?.kind === 'status' ? row.fault.status : 0, `${row.name}: status`)
    t.equal(response.headers.get('retry-after-ms'), String(RETRY_AFTER_MS), `${row.name}: retry-after-ms`)
    await response.arrayBuffer()
  }
})
