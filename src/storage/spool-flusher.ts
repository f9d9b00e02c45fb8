// Moves spooled generations to durable storage in the background: at start, then on an interval
// that backs off (doubling, up to a minute) while storage keeps failing.
import type { FastifyBaseLogger } from 'fastify'
import type { Spool } from './spool.js'
import type { Storage } from './storage.js'

export class SpoolFlusher {
  readonly #spool: Spool
  readonly #storage: Storage
  readonly #log: FastifyBaseLogger
  readonly #baseDelayMs: number
  #delayMs: number
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #stopped = false

  constructor (spool: Spool, storage: Storage, log: FastifyBaseLogger, baseDelayMs: number) {
    this.#spool = spool
    this.#storage = storage
    this.#log = log
    this.#baseDelayMs = baseDelayMs
    this.#delayMs = baseDelayMs
  }

  start (): void {
    this.#schedule(0)
  }

  /** Runs one pass now; resolves true when nothing is left in the spool. */
  async flushNow (): Promise<boolean> {
    this.#running ??= this.#pass().finally(() => { this.#running = undefined })
    await this.#running
    return (await this.#spool.pending()).length === 0
  }

  async stop (): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  #schedule (delayMs: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      void this.flushNow().then((empty) => {
        this.#delayMs = empty ? this.#baseDelayMs : Math.min(this.#delayMs * 2, 60_000)
        this.#schedule(this.#delayMs)
      })
    }, delayMs)
    this.#timer.unref()
  }

  async #pass (): Promise<void> {
    for (const generation of await this.#spool.pending()) {
      try {
        await this.#spool.flush(generation, this.#storage)
        this.#log.info({ generationId: generation.generationId, prefix: generation.prefix }, 'spooled generation moved to durable storage')
      } catch (error) {
        this.#log.warn({ generationId: generation.generationId, err: { message: (error as Error).message } }, 'spool flush failed; will retry')
        return
      }
    }
  }
}
