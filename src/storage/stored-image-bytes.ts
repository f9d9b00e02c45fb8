// Reads a stored image whole into memory, for answers that inline it (a b64_json replay): exactly
// the bytes its manifest records, through the same torn-object check as a download, so a short
// copy is never inlined (TornObjectError: 503) and nothing past the recorded size is buffered.
import { openWholeObject } from './open-whole-object.js'
import { TornObjectError, type Storage } from './storage.js'

export async function storedImageBytes (storage: Storage, key: string, manifestBytes: number): Promise<Buffer | undefined> {
  const object = await openWholeObject(storage, key, manifestBytes)
  if (object === undefined) return undefined
  const bytes = Buffer.allocUnsafe(manifestBytes)
  let filled = 0
  for await (const chunk of object.body as AsyncIterable<Buffer>) {
    // openWholeObject fails the body when it ends short; one that grew past the record fails here.
    if (filled + chunk.length > manifestBytes) {
      object.body.destroy()
      throw new TornObjectError(key, manifestBytes, filled + chunk.length)
    }
    chunk.copy(bytes, filled)
    filled += chunk.length
  }
  return bytes
}
