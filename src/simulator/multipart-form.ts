// Reads a multipart/form-data request the way the provider's edit and variation endpoints take it:
// text fields as strings, files in the order they came. The platform's own parser (undici's
// Request.formData) does the work, so the simulator needs no multipart dependency.
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { SimulatorInputError } from './generation.js'

export interface UploadedFile {
  /** The form field it came in (`image`, `image[]`, `mask`). */
  field: string
  bytes: Buffer
  /** As the part declared it; '' when it declared none. */
  contentType: string
  fileName: string
}

export interface MultipartForm {
  fields: Record<string, string>
  files: UploadedFile[]
}

export async function readMultipartForm (request: IncomingMessage): Promise<MultipartForm> {
  const contentType = request.headers['content-type'] ?? ''
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    request.resume()
    throw new SimulatorInputError(null, `Invalid Content-Type header (${contentType || 'none'}), expected multipart/form-data.`, null)
  }
  const webRequest = new Request('http://simulator.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
    duplex: 'half'
  } as RequestInit & { duplex: 'half' })
  let form: FormData
  try {
    form = await webRequest.formData()
  } catch {
    throw new SimulatorInputError(null, 'We could not parse the multipart body of your request.', null)
  }
  const fields: Record<string, string> = {}
  const files: UploadedFile[] = []
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      fields[field] = value
      continue
    }
    files.push({ field, bytes: Buffer.from(await value.arrayBuffer()), contentType: value.type, fileName: value.name })
  }
  return { fields, files }
}
