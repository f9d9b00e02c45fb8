// The shape every storage decorator shares (deadline, error guard, metrics): each operation of the
// wrapped Storage runs through one `around` of the decorator's own, under the operation's name.
// A decorator writes `around` and overrides what it treats differently; the compiler checks that
// every Storage method is covered here, once.
import type { ByteRange, FolderListing, FolderPage, ObjectInfo, ObjectStream, PutOptions, Storage } from './storage.js'

export abstract class StorageDecorator implements Storage {
  readonly driver: string
  readonly presignedGetUrl?: (key: string, expiresInSeconds: number) => Promise<string>
  protected readonly inner: Storage

  constructor (inner: Storage) {
    this.inner = inner
    this.driver = inner.driver
    const presign = inner.presignedGetUrl?.bind(inner)
    if (presign !== undefined) {
      this.presignedGetUrl = async (key, expiresInSeconds) => await this.around('presignedGetUrl', () => presign(key, expiresInSeconds))
    }
  }

  /** Runs one operation of the wrapped storage, named `operation`. */
  protected abstract around<T> (operation: string, run: () => Promise<T>): Promise<T>

  async put (key: string, body: Buffer, options: PutOptions): Promise<void> {
    await this.around('put', () => this.inner.put(key, body, options))
  }

  async getBytes (key: string): Promise<Buffer | undefined> {
    return await this.around('getBytes', () => this.inner.getBytes(key))
  }

  async openRead (key: string, range?: ByteRange, expectedBytes?: number): Promise<ObjectStream | undefined> {
    return await this.around('openRead', () => this.inner.openRead(key, range, expectedBytes))
  }

  async stat (key: string): Promise<ObjectInfo | undefined> {
    return await this.around('stat', () => this.inner.stat(key))
  }

  async delete (keys: string[]): Promise<void> {
    await this.around('delete', () => this.inner.delete(keys))
  }

  async deleteEmptyFolder (prefix: string): Promise<boolean> {
    return await this.around('deleteEmptyFolder', () => this.inner.deleteEmptyFolder(prefix))
  }

  async list (prefix: string): Promise<string[]> {
    return await this.around('list', () => this.inner.list(prefix))
  }

  async listFolders (prefix: string, page: FolderPage): Promise<FolderListing> {
    return await this.around('listFolders', () => this.inner.listFolders(prefix, page))
  }

  async checkReady (): Promise<void> {
    await this.around('checkReady', () => this.inner.checkReady())
  }

  async close (): Promise<void> {
    await this.inner.close()
  }
}
