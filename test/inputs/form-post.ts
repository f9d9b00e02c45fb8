// Posts a multipart form the way the openai SDK does (files as Blobs with a file name, text as
// strings) and reads the answer.
import type { Envelope } from '../helpers/envelope.js'

export type FormEntry = [name: string, value: string | Buffer, fileName?: string]

export function formOf (entries: FormEntry[]): FormData {
  const form = new FormData()
  for (const [name, value, fileName] of entries) {
    if (typeof value === 'string') form.append(name, value)
    else form.append(name, new Blob([new Uint8Array(value)]), fileName ?? 'upload.bin')
  }
  return form
}

export async function postForm (url: string, entries: FormEntry[]): Promise<{ status: number, body: unknown, headers: Headers }> {
  const response = await fetch(url, { method: 'POST', body: formOf(entries) })
  return { status: response.status, body: await response.json(), headers: response.headers }
}

export function errorOf (body: unknown): Envelope['error'] {
  return (body as Envelope).error
}
