// Bounds every storage operation in time, whatever the driver: a hung bucket or disk (connections
// accepted, nothing answered) must fail the operation, not hold the request forever. Past the
// deadline the caller gets a StorageTimeoutError, which writers treat like any storage failure (the
// generation goes to the spool) and readers answer with 503 + retry-after.
//
// The driver's operation cannot always be cancelled (a filesystem call, an SDK retry in progress);
// it is left to finish on its own and its late result is dropped. A late put is harmless: objects
// are immutable and the spool flusher writes the same bytes; images without a manifest are swept.
import { Transform, pipeline, type Readable } from 'node:stream'
import { StorageDecorator } from './storage-decorator.js'
import { StorageTimeoutError, type ByteRange, type ObjectStream, type Storage } from './storage.js'

export interface DeadlineOptions {
  /** Longest one operation may take, across the driver's retries and multipart parts. */
  opTimeoutMs: number
  /** Longest an object's body may deliver nothing while its reader waits for bytes. */
  streamIdleMs: number
}

export class DeadlineStorage extends StorageDecorator {
  readonly #options: DeadlineOptions

  constructor (inner: Storage, options: DeadlineOptions) {
    super(inner)
    this.#options = options
  }

  // Opening is bounded like any operation; the body it opens is bounded while it streams.
  override async openRead (key: string, range?: ByteRange, expectedBytes?: number): Promise<ObjectStream | undefined> {
    const object = await this.#within('openRead', () => this.inner.openRead(key, range, expectedBytes), (late) => late?.body.destroy())
    if (object === undefined) return undefined
    return { info: object.info, body: idleBounded(object.body, this.#options.streamIdleMs) }
  }

  protected async around<T> (operation: string, run: () => Promise<T>): Promise<T> {
    return await this.#within(operation, run)
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
