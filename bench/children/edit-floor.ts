// Benchmark child: the floor of an edit, measured alone in its own process so that nothing else
// (the load generator, other children) shares its CPU accounting. It repeats, in a loop, what any
// gateway must do with one edit: parse the multipart upload, sha256 every input, store each input
// (write, fsync, rename), build the provider's multipart body, and take in the provider's answer
// (JSON.parse, base64 decode, sha256, store), then reports CPU per part over IPC and exits.
import { createHash } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { Busboy } from '@fastify/busboy'
import { buildMultipartBody, type FormFile } from '../edit-upload.js'
import type { EditFloorParts } from '../edit-floor.js'

const body = readFileSync(process.env.EDIT_FLOOR_BODY ?? '')
const contentType = process.env.EDIT_FLOOR_CONTENT_TYPE ?? ''
const answerText = readFileSync(process.env.EDIT_FLOOR_ANSWER ?? '', 'utf8')
const dir = process.env.EDIT_FLOOR_DIR ?? ''
const iterations = Number(process.env.EDIT_FLOOR_ITERATIONS ?? '20')

interface ParsedForm { fields: Record<string, string>, files: FormFile[] }

/** The upload parsed the way @fastify/multipart does it (busboy), every file held as one Buffer. */
async function parseForm (): Promise<ParsedForm> {
  return await new Promise((resolve, reject) => {
    const fields: Record<string, string> = {}
    const files: FormFile[] = []
    let open = 0
    let finished = false
    const settle = () => { if (finished && open === 0) resolve({ fields, files }) }
    const parser = new Busboy({ headers: { 'content-type': contentType }, limits: { fileSize: 64 * 1024 * 1024 } })
    parser.on('field', (name: string, value: string) => { fields[name] = value })
    parser.on('file', (field, stream, fileName, _encoding, mimeType) => {
      open++
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        files.push({ field, fileName, contentType: mimeType, bytes: Buffer.concat(chunks) })
        open--
        settle()
      })
    })
    parser.on('finish', () => { finished = true; settle() })
    parser.on('error', reject)
    parser.end(body)
  })
}

function sha256 (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** A durable put, like the local driver: open, one write, fsync, close, rename into place. */
function store (bytes: Buffer, name: string): void {
  const tempPath = path.join(dir, `${name}.part`)
  const file = openSync(tempPath, 'wx')
  writeSync(file, bytes)
  fsyncSync(file)
  closeSync(file)
  renameSync(tempPath, path.join(dir, name))
}

const cpuMs = (since: NodeJS.CpuUsage) => { const used = process.cpuUsage(since); return (used.user + used.system) / 1000 }

async function once (index: number, totals: EditFloorParts | undefined): Promise<number> {
  let mark = process.cpuUsage()
  const take = (part: keyof EditFloorParts) => {
    if (totals !== undefined) totals[part] += cpuMs(mark)
    mark = process.cpuUsage()
  }
  const form = await parseForm()
  take('parseMs')
  for (const file of form.files) sha256(file.bytes)
  take('sha256Ms')
  for (const [position, file] of form.files.entries()) store(file.bytes, `${index}-input-${position}`)
  take('storeInputsMs')
  buildMultipartBody(form.fields, form.files.map((file, position) => ({ ...file, field: 'image[]', fileName: `image-${position}.bin` })))
  take('forwardMs')
  const answer = JSON.parse(answerText) as { data: Array<{ b64_json: string }> }
  for (const [position, entry] of answer.data.entries()) {
    const image = Buffer.from(entry.b64_json, 'base64')
    sha256(image)
    store(image, `${index}-output-${position}`)
  }
  take('outputMs')
  return form.files.length
}

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
for (let index = 0; index < Math.min(5, iterations); index++) await once(-1 - index, undefined) // warm the JIT and the file system
const parts: EditFloorParts = { parseMs: 0, sha256Ms: 0, storeInputsMs: 0, forwardMs: 0, outputMs: 0 }
let inputs = 0
for (let index = 0; index < iterations; index++) inputs = await once(index, parts)
rmSync(dir, { recursive: true, force: true })
for (const part of Object.keys(parts) as Array<keyof EditFloorParts>) parts[part] /= iterations
process.send?.({ type: 'edit-floor', parts, inputs }, () => process.exit(0))
