// Holds the key directory in force and replaces it on reload (file change or SIGHUP). A file that
// fails to load is logged and ignored: the tenants already in force stay.
import { watch, type FSWatcher } from 'node:fs'
import type { FastifyBaseLogger } from 'fastify'
import type { KeyDirectory } from './key-directory.js'
import type { TenantPolicy } from './tenant.js'
import { loadTenantsFile } from './load-tenants.js'

export class TenantRegistry {
  #current: KeyDirectory
  readonly #filePath: string | undefined
  readonly #defaults: TenantPolicy
  readonly #log: FastifyBaseLogger
  #watcher: FSWatcher | undefined
  #debounce: NodeJS.Timeout | undefined
  #reloading: Promise<boolean> = Promise.resolve(true)

  constructor (initial: KeyDirectory, options: { filePath?: string, defaults: TenantPolicy, log: FastifyBaseLogger }) {
    this.#current = initial
    this.#filePath = options.filePath
    this.#defaults = options.defaults
    this.#log = options.log
  }

  get current (): KeyDirectory {
    return this.#current
  }

  /** Re-reads the tenants file; resolves true when the new file is in force. */
  reload (): Promise<boolean> {
    this.#reloading = this.#reloading.then(() => this.#reloadNow())
    return this.#reloading
  }

  async #reloadNow (): Promise<boolean> {
    if (this.#filePath === undefined) return false
    try {
      this.#current = await loadTenantsFile(this.#filePath, this.#defaults)
      this.#log.info({ tenants: this.#current.tenants.length, keys: this.#current.keyCount }, 'tenants reloaded')
      return true
    } catch (error) {
      this.#log.error({ err: { message: (error as Error).message } }, 'tenants file rejected; the previous tenants stay in force')
      return false
    }
  }

  /** Reloads when the file changes. Watches the directory so editors that replace the file work. */
  watch (): void {
    if (this.#filePath === undefined || this.#watcher !== undefined) return
    const filePath = this.#filePath
    const dir = filePath.includes('/') ? filePath.slice(0, filePath.lastIndexOf('/')) || '/' : '.'
    const name = filePath.slice(filePath.lastIndexOf('/') + 1)
    this.#watcher = watch(dir, (_event, changed) => {
      if (changed !== null && changed !== name) return
      clearTimeout(this.#debounce)
      this.#debounce = setTimeout(() => { void this.reload() }, 100)
    })
    this.#watcher.unref()
  }

  close (): void {
    clearTimeout(this.#debounce)
    this.#watcher?.close()
    this.#watcher = undefined
  }
}
