// The one interface every storage backend implements. It stores opaque bytes under keys; it knows
// nothing of tenants, generations or HTTP (the key layout lives in object-keys.ts).
import type { Readable } from 'node:stream'

export interface PutOptions {
  contentType: string
  sha256?: string
  cacheControl?: string
}

export interface ObjectInfo {
  key: string
  bytes: number
  lastModified: Date
}

export interface ByteRange {
  start: number
  end: number // inclusive, like HTTP ranges
}

export interface FolderPage {
  limit: number
  startAfter?: string
}

export interface FolderListing {
  names: string[]
  /** True when more names follow the last one returned. */
  truncated: boolean
}

export interface ObjectStream {
  info: ObjectInfo
  body: Readable
}

export interface Storage {
  readonly driver: string
  /** Writes the whole object atomically: readers see all of it or none of it. */
  put(key: string, body: Buffer, options: PutOptions): Promise<void>
  /** Reads a whole (small) object, such as a manifest; undefined when it does not exist. */
  getBytes(key: string): Promise<Buffer | undefined>
  /**
   * Opens an object, or part of it, for streaming; undefined when it does not exist. `expectedBytes`
   * (the whole object's size, from its manifest) lets a decorator that holds another copy prefer it
   * when this one is torn; drivers ignore it.
   */
  openRead(key: string, range?: ByteRange, expectedBytes?: number): Promise<ObjectStream | undefined>
  stat(key: string): Promise<ObjectInfo | undefined>
  /** Deletes objects; keys that do not exist are ignored. */
  delete(keys: string[]): Promise<void>
  /**
   * Removes a folder (a prefix ending in '/') that holds no objects; true when one was removed.
   * Only the local driver has empty folders (left by a crash); on S3 a prefix without objects does
   * not exist, so there is nothing to remove.
   */
  deleteEmptyFolder(prefix: string): Promise<boolean>
  /** All keys under a prefix (a folder-like path ending in '/'), in ascending order. */
  list(prefix: string): Promise<string[]>
  /**
   * The names of the "folders" directly under a prefix ending in '/' (S3: common prefixes with
   * delimiter '/'), ascending, a page at a time, after the name `startAfter`.
   */
  listFolders(prefix: string, page: FolderPage): Promise<FolderListing>
  /** A time-limited URL fetching the object straight from the backend, where the backend has them. */
  presignedGetUrl?(key: string, expiresInSeconds: number): Promise<string>
  /** Throws when the backend cannot currently store objects. */
  checkReady(): Promise<void>
  close(): Promise<void>
}

// Keys are built by our own code, but every driver re-checks them so a bug elsewhere can never
// read or write outside the storage root.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

export class UnsafeKeyError extends Error {
  constructor (key: string) {
    super(`Unsafe storage key: ${JSON.stringify(key)}`)
    this.name = 'UnsafeKeyError'
  }
}

export function assertSafeKey (key: string): void {
  const segments = key.split('/')
  const safe = segments.length > 0 && segments.every((segment) => SEGMENT.test(segment) && !segment.includes('..'))
  if (!safe) throw new UnsafeKeyError(key)
}

/** Why a storage operation failed; stable, for answers, readiness checks and logs. */
export type StorageErrorCode = 'failed' | 'timeout' | 'torn' | 'full'

/** The backend failed (unreachable, denied, disk error): the caller gets a 503, not a 500. */
export class StorageError extends Error {
  readonly code: StorageErrorCode = 'failed'

  constructor (operation: string, cause: unknown) {
    super(`storage ${operation} failed: ${cause instanceof Error ? cause.message || cause.name : String(cause)}`, { cause })
    this.name = 'StorageError'
  }
}

/** The backend did not answer within our deadline (a hung bucket or disk): treated like a refusal. */
export class StorageTimeoutError extends StorageError {
  override readonly code = 'timeout'

  constructor (operation: string, timeoutMs: number) {
    super(operation, new Error(`no answer within ${timeoutMs} ms`))
    this.name = 'StorageTimeoutError'
  }
}

/**
 * A stored object is not the size its manifest says (a write torn on a store that writes in place,
 * or a body that ended early): serving it would hand out a broken image as a complete one.
 */
export class TornObjectError extends StorageError {
  override readonly code = 'torn'

  constructor (key: string, expectedBytes: number, foundBytes: number) {
    super('read', new Error(`${key} holds ${foundBytes} bytes, its manifest says ${expectedBytes}`))
    this.name = 'TornObjectError'
  }
}

/** The backend has too little room left to take new generations. */
export class StorageFullError extends StorageError {
  override readonly code = 'full'

  constructor (freeBytes: number, minFreeBytes: number) {
    super('ready check', new Error(`${freeBytes} bytes free, fewer than the ${minFreeBytes} required`))
    this.name = 'StorageFullError'
  }
}
