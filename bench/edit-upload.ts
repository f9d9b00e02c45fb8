// The edit-4-inputs scenario's request: input images made once from random noise (so PNG and JPEG
// barely compress and each file is close to the asked size), sent as the OpenAI SDK sends an edit
// with several images: multipart/form-data, text fields then one `image[]` part per file.
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'

export interface FormFile {
  field: string
  fileName: string
  contentType: string
  bytes: Buffer
}

export interface MultipartBody {
  body: Buffer
  contentType: string
}

export interface EditUpload extends MultipartBody {
  images: FormFile[]
}

/** One multipart/form-data body: the framing around the parts is all it adds (one copy of the files). */
export function buildMultipartBody (fields: Record<string, string>, files: FormFile[]): MultipartBody {
  const boundary = `----igw-bench-${randomBytes(12).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
  }
  for (const file of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.fileName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`), file.bytes, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

async function encodeNoise (side: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const image = sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
  return format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 90 }).toBuffer()
}

/** A square noise image of about `targetBytes`: one trial encode, then the side scaled to fit. */
export async function noiseImage (format: 'png' | 'jpeg', targetBytes: number): Promise<Buffer> {
  const trialSide = 512
  const trial = await encodeNoise(trialSide, format)
  const side = Math.round(trialSide * Math.sqrt(targetBytes / trial.length))
  return await encodeNoise(side, format)
}

/** `count` inputs of about `bytesEach`, PNG and JPEG in turn, in one edit form. */
export async function makeEditUpload (fields: Record<string, string>, count: number, bytesEach: number): Promise<EditUpload> {
  const images: FormFile[] = []
  for (let index = 0; index < count; index++) {
    const format = index % 2 === 0 ? 'png' : 'jpeg'
    images.push({ field: 'image[]', fileName: `input-${index}.${format === 'png' ? 'png' : 'jpg'}`, contentType: `image/${format}`, bytes: await noiseImage(format, bytesEach) })
  }
  return { ...buildMultipartBody(fields, images), images }
}
