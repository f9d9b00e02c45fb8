// The physical floor per image: what any gateway must do with a provider's answer, in a tight loop
// in one process — JSON.parse of the answer, base64 decode, sha256, write to a temp file (fsync
// when durable), rename into place. Gateway CPU per image is reported as a multiple of this.
import { createHash } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'

export interface FloorResult {
  iterations: number
  imageBytes: number
  base64Chars: number
  /** CPU (user + system) per image, ms, with fsync before the rename (the gateway's default). */
  cpuMsPerImage: number
  /** The same without fsync (STORAGE_FSYNC=false). */
  cpuMsPerImageNoFsync: number
  wallMsPerImage: number
}

function storeOnce (answerText: string, dir: string, index: number, fsync: boolean): number {
  const answer = JSON.parse(answerText) as { data: Array<{ b64_json: string }> }
  const imageBytes = Buffer.from(answer.data[0]?.b64_json ?? '', 'base64')
  createHash('sha256').update(imageBytes).digest('hex')
  const tempPath = path.join(dir, `${index}.part`)
  const file = openSync(tempPath, 'wx')
  writeSync(file, imageBytes)
  if (fsync) fsyncSync(file)
  closeSync(file)
  renameSync(tempPath, path.join(dir, `${index}.png`))
  return imageBytes.length
}

function loop (answerText: string, dir: string, iterations: number, fsync: boolean): { cpuMs: number, wallMs: number, imageBytes: number } {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  let imageBytes = 0
  const cpuBefore = process.cpuUsage()
  const startedAt = performance.now()
  for (let index = 0; index < iterations; index++) imageBytes = storeOnce(answerText, dir, index, fsync)
  const wallMs = performance.now() - startedAt
  const cpu = process.cpuUsage(cpuBefore)
  rmSync(dir, { recursive: true, force: true })
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs, imageBytes }
}

export function measureFloor (answerText: string, dir: string, iterations: number): FloorResult {
  loop(answerText, dir, Math.min(20, iterations), true) // warm the JIT and the file system
  const durable = loop(answerText, dir, iterations, true)
  const fast = loop(answerText, dir, iterations, false)
  const answer = JSON.parse(answerText) as { data: Array<{ b64_json: string }> }
  return {
    iterations,
    imageBytes: durable.imageBytes,
    base64Chars: answer.data[0]?.b64_json.length ?? 0,
    cpuMsPerImage: durable.cpuMs / iterations,
    cpuMsPerImageNoFsync: fast.cpuMs / iterations,
    wallMsPerImage: durable.wallMs / iterations
  }
}
