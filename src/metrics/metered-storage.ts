// Wraps a storage driver so every operation's latency and outcome is measured, whatever the driver.
import type { ByteRange, FolderListing, FolderPage, ObjectInfo, ObjectStream, PutOptions, Storage } from '../storage/storage.js'
import type { GatewayMetrics } from './gateway-metrics.js'

export class MeteredStorage implements Storage {
  readonly driver: string
  readonly presignedGetUrl?: (key: string, expiresInSeconds: number) => Promise<string>
  readonly #inner: Storage
  readonly #metrics: GatewayMetrics

  constructor (inner: Storage, metrics: GatewayMetrics) {
    this.#inner = inner
    this.#metrics = metrics
    this.driver = inner.driver
    const presign = inner.presignedGetUrl
    if (presign !== undefined) {
      this.presignedGetUrl = async (key, expiresInSeconds) => await this.#measured('presignedGetUrl', () => presign.call(inner, key, expiresInSeconds))
    }
  }

  async put (key: string, body: Buffer, options: PutOptions): Promise<void> {
    await this.#measured('put', () => this.#inner.put(key, body, options))
  }

  async getBytes (key: string): Promise<Buffer | undefined> {
    return await this.#measured('getBytes', () => this.#inner.getBytes(key))
  }

  async openRead (key: string, range?: ByteRange, expectedBytes?: number): Promise<ObjectStream | undefined> {
    return await this.#measured('openRead', () => this.#inner.openRead(key, range, expectedBytes))
  }

  async stat (key: string): Promise<ObjectInfo | undefined> {
    return await this.#measured('stat', () => this.#inner.stat(key))
  }

  async delete (keys: string[]): Promise<void> {
    await this.#measured('delete', () => this.#inner.delete(keys))
  }

  async deleteEmptyFolder (prefix: string): Promise<boolean> {
    return await this.#measured('deleteEmptyFolder', () => this.#inner.deleteEmptyFolder(prefix))
  }

  async list (prefix: string): Promise<string[]> {
    return await this.#measured('list', () => this.#inner.list(prefix))
  }

  async listFolders (prefix: string, page: FolderPage): Promise<FolderListing> {
    return await this.#measured('listFolders', () => this.#inner.listFolders(prefix, page))
  }

  async checkReady (): Promise<void> {
    await this.#measured('checkReady', () => this.#inner.checkReady())
  }

  async close (): Promise<void> {
    await this.#inner.close()
  }

  async #measured<T> (operation: string, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now()
    let outcome: 'ok' | 'error' = 'error'
    try {
      const result = await run()
      outcome = 'ok'
      return result
    } finally {
      this.#metrics.storageOperation(this.driver, operation, outcome, (performance.now() - startedAt) / 1000)
    }
  }
}

