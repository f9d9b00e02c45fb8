// Readies the edit-4-inputs scenario: makes its upload once (noise inputs, bench/edit-upload.ts),
// asks the simulator for its answer to that edit, and measures the edit's floor on both in a child.
import { request } from 'undici'
import { measureEditFloor, type EditFloorResult } from './edit-floor.js'
import { makeEditUpload } from './edit-upload.js'
import { SIMULATOR_KEY, type Scenario } from './scenarios.js'

export interface PreparedEdit {
  /** The scenario with `body` and `contentType` now the multipart upload. */
  scenario: Scenario
  floor: EditFloorResult
}

export async function prepareEdit (scenario: Scenario, simulatorUrl: string, workDir: string, floorIterations: number): Promise<PreparedEdit> {
  const { upload } = scenario
  if (upload === undefined || Buffer.isBuffer(scenario.body)) throw new Error(`${scenario.name} is not an upload scenario`)
  const fields = Object.fromEntries(Object.entries(scenario.body).map(([name, value]) => [name, String(value)]))
  const made = await makeEditUpload(fields, upload.images, upload.bytesEach)
  // The provider's answer the gateway takes in: base64, as GPT image models answer.
  const answer = await request(`${simulatorUrl}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${SIMULATOR_KEY}`, 'content-type': made.contentType }, body: made.body })
  const answerText = await answer.body.text()
  if (answer.statusCode !== 200) throw new Error(`the simulator refused the bench's edit: HTTP ${answer.statusCode}: ${answerText.slice(0, 300)}`)
  const floor = await measureEditFloor({ upload: made, answerText, workDir, iterations: floorIterations })
  return { scenario: { ...scenario, body: made.body, contentType: made.contentType }, floor }
}
