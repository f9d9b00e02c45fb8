// Local-disk storage driver: files under one root directory, written to a temporary file and
// renamed into place so a reader never sees a partial image.
import { randomBytes } from 'node:crypto'
import { close, createReadStream, fsync, open as openFd, write } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, statfs, unlink } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { assertSafeKey, StorageFullError, type ByteRange, type FolderListing, type FolderPage, type ObjectInfo, type ObjectStream, type PutOptions, type Storage } from './storage.js'

export interface LocalStorageOptions {
  rootDir: string
  /** fsync each file before the rename, so a power loss cannot leave a renamed but empty file. */
  fsync: boolean
  /** checkReady fails with StorageFullError when the file system has less free space than this; 0: unchecked. */
  minFreeBytes?: number
}

const TEMP_DIR = '.tmp'
// The readiness probe writes this much for real: an empty file succeeds on a full disk (it needs
// no data block), a few KB do not.
const READY_PROBE_BYTES = 4096
// Folders this process made recently: a put into one of them skips its mkdir. (A folder removed
// since, by a delete or the orphan sweep, is made again when the rename says it is missing.)
const KNOWN_FOLDERS = 1000

// The write path uses file descriptors with the callback API: it costs about half the CPU of a
// FileHandle per operation, and a put is five of them (open, write, fsync, close, rename).
const openFile = promisify(openFd)
const writeFile = promisify(write)
const syncFile = promisify(fsync)
const closeFile = promisify(close)

async function writeAll (fd: number, body: Buffer): Promise<void> {
  for (let offset = 0; offset < body.length;) {
    const { bytesWritten } = await writeFile(fd, body, offset, body.length - offset)
    offset += bytesWritten
  }
}

export class LocalStorage implements Storage {
  readonly driver = 'local'
  readonly #root: string
  readonly #fsync: boolean
  readonly #minFreeBytes: number
  readonly #knownFolders = new Set<string>()

  constructor (options: LocalStorageOptions) {
    this.#root = path.resolve(options.rootDir)
    this.#fsync = options.fsync
    this.#minFreeBytes = options.minFreeBytes ?? 0
  }

  async init (): Promise<void> {
    await mkdir(path.join(this.#root, TEMP_DIR), { recursive: true })
    // Temp files left by a crash mid-write are garbage: nothing points at them.
    const leftovers = await readdir(path.join(this.#root, TEMP_DIR))
    await Promise.all(leftovers.map((name) => rm(path.join(this.#root, TEMP_DIR, name), { force: true })))
  }

  async put (key: string, body: Buffer, _options: PutOptions): Promise<void> {
    const target = this.#pathOf(key)
    const tempPath = path.join(this.#root, TEMP_DIR, `${randomBytes(8).toString('hex')}.part`)
    const fd = await openFile(tempPath, 'wx')
    try {
      await writeAll(fd, body)
      if (this.#fsync) await syncFile(fd)
    } catch (error) {
      await closeFile(fd).catch(() => {})
      await unlink(tempPath).catch(() => {})
      throw error
    }
    await closeFile(fd)
    try {
      await this.#renameIntoPlace(tempPath, target)
    } catch (error) {
      await unlink(tempPath).catch(() => {})
      throw error
    }
  }

  async #renameIntoPlace (tempPath: string, target: string): Promise<void> {
    const folder = path.dirname(target)
    if (this.#knownFolders.has(folder)) {
      try {
        await rename(tempPath, target)
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        this.#knownFolders.delete(folder)
      }
    }
    await mkdir(folder, { recursive: true })
    if (this.#knownFolders.size >= KNOWN_FOLDERS) this.#knownFolders.delete(this.#knownFolders.values().next().value as string)
    this.#knownFolders.add(folder)
    await rename(tempPath, target)
  }

  async getBytes (key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#pathOf(key))
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async stat (key: string): Promise<ObjectInfo | undefined> {
    try {
      const stats = await stat(this.#pathOf(key))
      if (!stats.isFile()) return undefined
      return { key, bytes: stats.size, lastModified: stats.mtime }
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async openRead (key: string, range?: ByteRange): Promise<ObjectStream | undefined> {
    const info = await this.stat(key)
    if (info === undefined) return undefined
    const body = createReadStream(this.#pathOf(key), range === undefined ? {} : { start: range.start, end: range.end })
    return { info, body }
  }

  async delete (keys: string[]): Promise<void> {
    await Promise.all(keys.map(async (key) => rm(this.#pathOf(key), { force: true })))
    // Remove directories the deletion emptied, so the tree does not fill with empty folders.
    const dirs = new Set(keys.map((key) => path.dirname(this.#pathOf(key))))
    for (const dir of dirs) {
      await rmdir(dir).catch(() => {}) // fails, harmlessly, while the folder still holds files
    }
  }

  async deleteEmptyFolder (prefix: string): Promise<boolean> {
    try {
      await rmdir(this.#pathOf(prefix.replace(/\/+$/, '')))
      return true
    } catch (error) {
      // Gone already, or not empty (written to since it was listed): nothing removed.
      const code = (error as NodeJS.ErrnoException).code
      if (isMissing(error) || code === 'ENOTEMPTY' || code === 'EEXIST') return false
      throw error
    }
  }

  async list (prefix: string): Promise<string[]> {
    const base = prefix.replace(/\/+$/, '')
    assertSafeKey(base)
    const dir = this.#pathOf(base)
    let entries: string[]
    try {
      entries = await readdir(dir, { recursive: true })
    } catch (error) {
      if (isMissing(error)) return []
      throw error
    }
    const keys: string[] = []
    for (const entry of entries) {
      const stats = await stat(path.join(dir, entry)).catch(() => undefined)
      if (stats?.isFile() === true) keys.push(`${base}/${entry.split(path.sep).join('/')}`)
    }
    return keys.sort()
  }

  async listFolders (prefix: string, page: FolderPage): Promise<FolderListing> {
    const base = prefix.replace(/\/+$/, '')
    let entries
    try {
      entries = await readdir(this.#pathOf(base), { withFileTypes: true })
    } catch (error) {
      if (isMissing(error)) return { names: [], truncated: false }
      throw error
    }
    const names = entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .filter((name) => page.startAfter === undefined || name > page.startAfter)
      .sort()
    return { names: names.slice(0, page.limit), truncated: names.length > page.limit }
  }

  async checkReady (): Promise<void> {
    const probe = path.join(this.#root, TEMP_DIR, `ready-${randomBytes(4).toString('hex')}`)
    const fd = await openFile(probe, 'wx')
    try {
      await writeAll(fd, randomBytes(READY_PROBE_BYTES))
      await syncFile(fd) // the write may only fail (ENOSPC) once the blocks are really allocated
    } finally {
      await closeFile(fd).catch(() => {})
      await unlink(probe).catch(() => {})
    }
    if (this.#minFreeBytes === 0) return
    const space = await statfs(this.#root)
    const freeBytes = space.bavail * space.bsize // what an unprivileged writer may still use
    if (freeBytes < this.#minFreeBytes) throw new StorageFullError(freeBytes, this.#minFreeBytes)
  }

  async close (): Promise<void> {}

  #pathOf (key: string): string {
    assertSafeKey(key)
    const resolved = path.resolve(this.#root, key)
    if (!resolved.startsWith(this.#root + path.sep)) throw new Error(`Storage key escapes the root: ${key}`)
    return resolved
  }
}

function isMissing (error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' || code === 'ENOTDIR'
}
