// Reads that fall back to the spool: an object not (yet) in durable storage, durable storage
// failing (refused or timed out), or a durable copy shorter than its manifest says (torn), is
// looked up in the spool before the caller hears "missing" or "unavailable". Deletes and key
// listings cover both, so deleting a spooled generation also stops the flusher from resurrecting
// it; writes and folder listings are durable storage's alone. Built by createStorageStack.
import { requireWhole } from './open-whole-object.js'
import { StorageError, type ByteRange, type FolderListing, type FolderPage, type ObjectInfo, type ObjectStream, type PutOptions, type Storage } from './storage.js'

export class SpoolFallbackStorage implements Storage {
  readonly driver: string
  readonly presignedGetUrl?: (key: string, expiresInSeconds: number) => Promise<string>
  readonly #durable: Storage
  readonly #spooled: Storage

  /** `spooled` is the spool's files, failing as StorageError like durable storage does. */
  constructor (durable: Storage, spooled: Storage) {
    this.#durable = durable
    this.#spooled = spooled
    this.driver = durable.driver
    const presign = durable.presignedGetUrl?.bind(durable)
    if (presign !== undefined) this.presignedGetUrl = async (key, expiresInSeconds) => await presign(key, expiresInSeconds)
  }

  async put (key: string, body: Buffer, options: PutOptions): Promise<void> {
    await this.#durable.put(key, body, options)
  }

  async getBytes (key: string): Promise<Buffer | undefined> {
    return await this.#fallback((from) => from.getBytes(key))
  }

  async stat (key: string): Promise<ObjectInfo | undefined> {
    return await this.#fallback((from) => from.stat(key))
  }

  async openRead (key: string, range?: ByteRange, expectedBytes?: number): Promise<ObjectStream | undefined> {
    // A torn durable copy is a failure like any other here, so a whole spool copy is tried next.
    return await this.#fallback(async (from) => {
      const object = await from.openRead(key, range, expectedBytes)
      return object === undefined || expectedBytes === undefined ? object : requireWhole(object, key, expectedBytes)
    })
  }

  async delete (keys: string[]): Promise<void> {
    await this.#spooled.delete(keys)
    await this.#durable.delete(keys)
  }

  async deleteEmptyFolder (prefix: string): Promise<boolean> {
    return await this.#durable.deleteEmptyFolder(prefix)
  }

  async list (prefix: string): Promise<string[]> {
    return [...new Set([...await this.#spooled.list(prefix), ...await this.#durable.list(prefix)])].sort()
  }

  async listFolders (prefix: string, page: FolderPage): Promise<FolderListing> {
    return await this.#durable.listFolders(prefix, page)
  }

  async checkReady (): Promise<void> {
    await this.#durable.checkReady()
  }

  async close (): Promise<void> {
    await this.#durable.close()
  }

  async #fallback<T> (read: (from: Storage) => Promise<T | undefined>): Promise<T | undefined> {
    let durableError: StorageError | undefined
    try {
      const found = await read(this.#durable)
      if (found !== undefined) return found
    } catch (error) {
      if (!(error instanceof StorageError)) throw error
      durableError = error
    }
    let spooled: T | undefined
    try {
      spooled = await read(this.#spooled)
    } catch (spoolError) {
      // A torn spool copy is no better than a torn durable one: the durable failure is the news.
      if (durableError === undefined || !(spoolError instanceof StorageError)) throw spoolError
    }
    if (spooled === undefined && durableError !== undefined) throw durableError
    return spooled
  }
}
