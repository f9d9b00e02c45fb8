// What reached the simulator on an edit or a variation, kept so tests can prove which bytes the
// gateway sent upstream (the sha256 of each file as received) without holding the files themselves.
import { createHash } from 'node:crypto'
import type { MultipartForm, UploadedFile } from './multipart-form.js'

export interface InputFileRecord {
  /** Hex sha256 of the file's bytes as received. */
  sha256: string
  /** The file's length in bytes. */
  bytes: number
  /** The part's declared content type ('' when it declared none). */
  contentType: string
  fileName: string
}

export interface SimulatorInputRecord {
  operation: 'edit' | 'variation'
  /** The text fields, as sent (strings). */
  fields: Record<string, string>
  /** `image` / `image[]` files, in the order they came. */
  images: InputFileRecord[]
  mask?: InputFileRecord
}

export function isImageField (field: string): boolean {
  return field === 'image' || field === 'image[]'
}

function fileRecord (file: UploadedFile): InputFileRecord {
  return { sha256: createHash('sha256').update(file.bytes).digest('hex'), bytes: file.bytes.length, contentType: file.contentType, fileName: file.fileName }
}

export function recordInputs (operation: SimulatorInputRecord['operation'], form: MultipartForm): SimulatorInputRecord {
  const mask = form.files.find((file) => file.field === 'mask')
  return {
    operation,
    fields: { ...form.fields },
    images: form.files.filter((file) => isImageField(file.field)).map(fileRecord),
    ...(mask !== undefined ? { mask: fileRecord(mask) } : {})
  }
}
