// The floor of an edit with input images, per request: what any gateway that keeps the inputs and
// the result must do at least. Measured in its own child process (bench/children/edit-floor.ts),
// in a loop over the very upload the gateway is sent and an answer the simulator gave to it.
import { fork } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** CPU ms per request for each part of the floor. */
export interface EditFloorParts {
  /** busboy over the whole multipart body, every file collected into one Buffer. */
  parseMs: number
  /** sha256 of every input. */
  sha256Ms: number
  /** Every input written, fsync'd and renamed into place. */
  storeInputsMs: number
  /** The provider's multipart body built from the parsed fields and files. */
  forwardMs: number
  /** The provider's answer: JSON.parse, base64 decode, sha256 and durable write of each output. */
  outputMs: number
}

export interface EditFloorResult {
  iterations: number
  inputs: number
  uploadBytes: number
  outputBytes: number
  parts: EditFloorParts
  /** The parts the issue names (parse, sha256, store inputs, forward), per request. */
  inputsCpuMs: number
  /** Those plus taking in and storing the output(s), per request: what the gateway is compared with. */
  cpuMsPerRequest: number
}

export interface EditFloorInput {
  upload: { body: Buffer, contentType: string }
  /** The provider's (base64) answer to that edit, as text. */
  answerText: string
  workDir: string
  iterations: number
}

export async function measureEditFloor (input: EditFloorInput): Promise<EditFloorResult> {
  const bodyFile = path.join(input.workDir, 'edit-floor-upload.bin')
  const answerFile = path.join(input.workDir, 'edit-floor-answer.json')
  await writeFile(bodyFile, input.upload.body)
  await writeFile(answerFile, input.answerText)
  const child = fork(fileURLToPath(new URL('./children/edit-floor.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      EDIT_FLOOR_BODY: bodyFile,
      EDIT_FLOOR_CONTENT_TYPE: input.upload.contentType,
      EDIT_FLOOR_ANSWER: answerFile,
      EDIT_FLOOR_DIR: path.join(input.workDir, 'edit-floor'),
      EDIT_FLOOR_ITERATIONS: String(input.iterations)
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc']
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += String(chunk) })
  const measured = await new Promise<{ parts: EditFloorParts, inputs: number }>((resolve, reject) => {
    child.on('message', (message: { type: string, parts: EditFloorParts, inputs: number }) => { if (message.type === 'edit-floor') resolve(message) })
    child.once('exit', (code) => reject(new Error(`the edit floor child exited with code ${code}: ${stderr}`)))
  })
  const { parts } = measured
  const inputsCpuMs = parts.parseMs + parts.sha256Ms + parts.storeInputsMs + parts.forwardMs
  const answer = JSON.parse(input.answerText) as { data: Array<{ b64_json: string }> }
  return {
    iterations: input.iterations,
    inputs: measured.inputs,
    uploadBytes: input.upload.body.length,
    outputBytes: answer.data.reduce((sum, entry) => sum + Buffer.byteLength(entry.b64_json, 'base64'), 0),
    parts,
    inputsCpuMs,
    cpuMsPerRequest: inputsCpuMs + parts.outputMs
  }
}
