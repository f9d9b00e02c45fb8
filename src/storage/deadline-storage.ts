// Bounds every storage operation in time, whatever the driver: a hung bucket or disk (connections
// accepted, nothing answered) must fail the operation, not hold the request forever. Past the
// deadline the caller gets a StorageTimeoutError, which writers treat like any storage failure (the
// generation goes to the spool) and readers answer with 503 + retry-after.
//
// The driver's operation cannot always be cancelled (a filesystem call, an SDK retry in progress);
// it is left to finish on its own and its late result is dropped. A late put is harmless: objects
// are immutable and the spool flusher writes the same bytes; images without a manifest are swept.
import { Transform, pipeline, type Readable } from 'node:stream'
import { StorageTimeoutError, type ByteRange, type FolderListing, type FolderPage, type ObjectInfo, type ObjectStream, type PutOptions, type Storage } from './storage.js'

export interface DeadlineOptions {
  /** Longest one operation may take, across the driver's retries and multipart parts. */
  opTimeoutMs: number
  /** Longest an object's body may deliver nothing while its reader waits for bytes. */
  streamIdleMs: number
}

export class DeadlineStorage implements Storage {
  readonly driver: string
  readonly presignedGetUrl?: (key: string, expiresInSeconds: number) => Promise<string>
  readonly #inner: Storage
  readonly #options: DeadlineOptions

  constructor (inner: Storage, options: DeadlineOptions) {
    this.#inner = inner
    this.#options = options
    this.driver = inner.driver
    const presign = inner.presignedGetUrl
    if (presign !== undefined) {
      this.presignedGetUrl = async (key, expiresInSeconds) => await this.#within('presign', () => presign.call(inner, key, expiresInSeconds))
    }
  }

  async put (key: string, body: Buffer, options: PutOptions): Promise<void> {
    await this.#within('put', () => this.#inner.put(key, body, options))
  }

  async getBytes (key: string): Promise<Buffer | undefined> {
    return await this.#within('getBytes', () => this.#inner.getBytes(key))
  }

  async openRead (key: string, range?: ByteRange, expectedBytes?: number): Promise<ObjectStream | undefined> {
    const object = await this.#within('openRead', () => this.#inner.openRead(key, range, expectedBytes), (late) => late?.body.destroy())
    if (object === undefined) return undefined
    return { info: object.info, body: idleBounded(object.body, this.#options.streamIdleMs) }
  }

  async stat (key: string): Promise<ObjectInfo | undefined> {
    return await this.#within('stat', () => this.#inner.stat(key))
  }

  async delete (keys: string[]): Promise<void> {
    await this.#within('delete', () => this.#inner.delete(keys))
  }

  async deleteEmptyFolder (prefix: string): Promise<boolean> {
    return await this.#within('deleteEmptyFolder', () => this.#inner.deleteEmptyFolder(prefix))
  }

  async list (prefix: string): Promise<string[]> {
    return await this.#within('list', () => this.#inner.list(prefix))
  }

  async listFolders (prefix: string, page: FolderPage): Promise<FolderListing> {
    return await this.#within('listFolders', () => this.#inner.listFolders(prefix, page))
  }

  async checkReady (): Promise<void> {
    await this.#within('checkReady', () => this.#inner.checkReady())
  }

  async close (): Promise<void> {
    await this.#inner.close()
  }

  /** Runs one operation against the deadline; `discardLate` releases a result that came too late. */
  async #within<T> (operation: string, run: () => Promise<T>, discardLate?: (late: T) => void): Promise<T> {
    const timeoutMs = this.#options.opTimeoutMs
    let timer: NodeJS.Timeout | undefined
    let timedOut = false
    const work = run()
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        timedOut = true
        reject(new StorageTimeoutError(operation, timeoutMs))
      }, timeoutMs)
    })
    try {
      return await Promise.race([work, deadline])
    } finally {
      clearTimeout(timer)
      // The abandoned operation still settles later: never as an unhandled rejection.
      work.then((late) => { if (timedOut) discardLate?.(late) }, () => {})
    }
  }
}

/**
 * Passes a body through, failing it with StorageTimeoutError when the backend delivers nothing for
 * `idleMs` while the reader is waiting. Bytes buffered for a slow reader do not count as a stall:
 * the reader's own timeouts (the HTTP server's) deal with a client that does not read.
 */
function idleBounded (body: Readable, idleMs: number): Readable {
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      if (bounded.readableLength > 0) return arm()
      bounded.destroy(new StorageTimeoutError('read stream', idleMs))
    }, idleMs)
  }
  const bounded = new Transform({
    transform (chunk: Buffer, _encoding, callback) {
      arm()
      callback(null, chunk)
    },
    flush (callback) {
      clearTimeout(timer)
      callback()
    }
  })
  bounded.on('close', () => clearTimeout(timer))
  // Either side failing destroys the other: a destroyed answer releases the backend's socket too.
  pipeline(body, bounded, () => {})
  arm()
  return bounded
}
