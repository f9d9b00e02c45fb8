// Images the simulator serves by URL, like the provider's: they expire after a TTL.
import { randomBytes } from 'node:crypto'

interface StoredImage { bytes: Buffer, contentType: string, expiresAt: number }

export class UrlStore {
  readonly #images = new Map<string, StoredImage>()
  readonly #ttlMs: number
  readonly #now: () => number

  constructor (ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs
    this.#now = now
  }

  add (bytes: Buffer, contentType: string, extension: string): string {
    this.#evictExpired()
    const name = `${randomBytes(12).toString('hex')}.${extension}`
    this.#images.set(name, { bytes, contentType, expiresAt: this.#now() + this.#ttlMs })
    return name
  }

  get (name: string): StoredImage | undefined {
    const image = this.#images.get(name)
    if (image === undefined || image.expiresAt <= this.#now()) return undefined
    return image
  }

  expireAll (): void {
    this.#images.clear()
  }

  #evictExpired (): void {
    const now = this.#now()
    for (const [name, image] of this.#images) if (image.expiresAt <= now) this.#images.delete(name)
  }
}
