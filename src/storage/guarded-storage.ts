// Wraps any driver so that a backend failure surfaces as one error type, StorageError, whatever
// the driver threw (fs errors, SDK errors, timeouts). Unsafe keys stay what they are: our bug.
import { StorageError, UnsafeKeyError, type Storage } from './storage.js'

export function guardStorage (storage: Storage): Storage {
  return new Proxy(storage, {
    get (target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function' || property === 'close') return value
      return async (...args: unknown[]) => {
        try {
          return await (value as (...inner: unknown[]) => Promise<unknown>).apply(target, args)
        } catch (error) {
          if (error instanceof UnsafeKeyError || error instanceof StorageError) throw error
          throw new StorageError(String(property), error)
        }
      }
    }
  })
}
