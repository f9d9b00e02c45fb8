// Wraps any driver so that a backend failure surfaces as one error type, StorageError, whatever
// the driver threw (fs errors, SDK errors, timeouts). Unsafe keys stay what they are: our bug.
import { StorageError, UnsafeKeyError, type ByteRange, type FolderListing, type FolderPage, type ObjectInfo, type ObjectStream, type PutOptions, type Storage } from './storage.js'

export class GuardedStorage implements Storage {
  readonly driver: string
  readonly presignedGetUrl?: (key: string, expiresInSeconds: number) => Promise<string>
  readonly #inner: Storage

  constructor (inner: Storage) {
    this.#inner = inner
    this.driver = inner.driver
    const presign = inner.presignedGetUrl
    if (presign !== undefined) {
      this.presignedGetUrl = async (key, expiresInSeconds) => await guarded('presignedGetUrl', () => presign.call(inner, key, expiresInSeconds))
    }
  }

  async put (key: string, body: Buffer, options: PutOptions): Promise<void> {
    await guarded('put', () => this.#inner.put(key, body, options))
  }

  async getBytes (key: string): Promise<Buffer | undefined> {
    return await guarded('getBytes', () => this.#inner.getBytes(key))
  }

  async openRead (key: string, range?: ByteRange, expectedBytes?: number): Promise<ObjectStream | undefined> {
    return await guarded('openRead', () => this.#inner.openRead(key, range, expectedBytes))
  }

  async stat (key: string): Promise<ObjectInfo | undefined> {
    return await guarded('stat', () => this.#inner.stat(key))
  }

  async delete (keys: string[]): Promise<void> {
    await guarded('delete', () => this.#inner.delete(keys))
  }

  async deleteEmptyFolder (prefix: string): Promise<boolean> {
    return await guarded('deleteEmptyFolder', () => this.#inner.deleteEmptyFolder(prefix))
  }

  async list (prefix: string): Promise<string[]> {
    return await guarded('list', () => this.#inner.list(prefix))
  }

  async listFolders (prefix: string, page: FolderPage): Promise<FolderListing> {
    return await guarded('listFolders', () => this.#inner.listFolders(prefix, page))
  }

  async checkReady (): Promise<void> {
    await guarded('checkReady', () => this.#inner.checkReady())
  }

  async close (): Promise<void> {
    await this.#inner.close()
  }
}

async function guarded<T> (operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof UnsafeKeyError || error instanceof StorageError) throw error
    throw new StorageError(operation, error)
  }
}
