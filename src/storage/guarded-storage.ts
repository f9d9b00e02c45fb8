// Wraps any driver so that a backend failure surfaces as one error type, StorageError, whatever
// the driver threw (fs errors, SDK errors, timeouts). Unsafe keys stay what they are: our bug.
import { StorageDecorator } from './storage-decorator.js'
import { StorageError, UnsafeKeyError } from './storage.js'

export class GuardedStorage extends StorageDecorator {
  protected async around<T> (operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      if (error instanceof UnsafeKeyError || error instanceof StorageError) throw error
      throw new StorageError(operation, error)
    }
  }
}
