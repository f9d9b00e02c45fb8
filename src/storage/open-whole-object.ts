// Opens an object for serving only when it is whole: the size its manifest recorded. A torn object
// (a write interrupted on a store that writes in place, a file truncated) must never be served as
// a short 200 that clients and caches keep as the image.
import { Transform, pipeline, type Readable } from 'node:stream'
import { TornObjectError, type ByteRange, type ObjectStream, type Storage } from './storage.js'

/**
 * Opens `key` (or a range of it) expecting `manifestBytes` in all; the spool fallback, when present,
 * prefers a whole spool copy to a torn durable one. A torn object with no whole copy throws
 * TornObjectError (a StorageError: 503 with retry-after). The body fails if it ends early.
 */
export async function openWholeObject (storage: Storage, key: string, manifestBytes: number, range?: ByteRange): Promise<ObjectStream | undefined> {
  const object = await storage.openRead(key, range, manifestBytes)
  if (object === undefined) return undefined
  requireWhole(object, key, manifestBytes)
  const length = range === undefined ? manifestBytes : range.end - range.start + 1
  return { info: object.info, body: lengthChecked(object.body, length, key) }
}

/** Passes an opened object whose size is the manifest's; otherwise releases it and throws TornObjectError. */
export function requireWhole (object: ObjectStream, key: string, manifestBytes: number): ObjectStream {
  if (object.info.bytes === manifestBytes) return object
  object.body.destroy()
  throw new TornObjectError(key, manifestBytes, object.info.bytes)
}

/**
 * Fails the body when it ends before `length` bytes (the object shrank while being read). Headers
 * are out by then, so the failed stream makes Fastify destroy the connection: the client sees an
 * error, not a complete-looking short image.
 */
function lengthChecked (body: Readable, length: number, key: string): Readable {
  let delivered = 0
  const checked = new Transform({
    transform (chunk: Buffer, _encoding, callback) {
      delivered += chunk.length
      callback(null, chunk)
    },
    flush (callback) {
      callback(delivered === length ? null : new TornObjectError(key, length, delivered))
    }
  })
  pipeline(body, checked, () => {})
  return checked
}
