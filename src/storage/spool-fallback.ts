// Reads that fall back to the spool: an object not (yet) in durable storage, or durable storage
// failing, is looked up in the spool before the caller hears "missing". Deletes and key listings
// cover both, so deleting a spooled generation also stops the flusher from resurrecting it;
// writes and folder listings are durable storage's alone.
import type { Spool } from './spool.js'
import { StorageError, type Storage } from './storage.js'

export function withSpoolFallback (storage: Storage, spool: Spool): Storage {
  const fallback = async <T>(read: (from: Storage) => Promise<T | undefined>): Promise<T | undefined> => {
    let durableError: unknown
    try {
      const found = await read(storage)
      if (found !== undefined) return found
    } catch (error) {
      if (!(error instanceof StorageError)) throw error
      durableError = error
    }
    const spooled = await read(spool.files)
    if (spooled === undefined && durableError !== undefined) throw durableError
    return spooled
  }
  return new Proxy(storage, {
    get (target, property, receiver) {
      if (property === 'getBytes') return async (key: string) => await fallback((from) => from.getBytes(key))
      if (property === 'stat') return async (key: string) => await fallback((from) => from.stat(key))
      if (property === 'openRead') return async (key: string, range?: { start: number, end: number }) => await fallback((from) => from.openRead(key, range))
      if (property === 'delete') {
        return async (keys: string[]) => {
          await spool.files.delete(keys)
          await storage.delete(keys)
        }
      }
      if (property === 'list') {
        return async (prefix: string) => [...new Set([...await spool.files.list(prefix), ...await storage.list(prefix)])].sort()
      }
      return Reflect.get(target, property, receiver) as unknown
    }
  })
}
