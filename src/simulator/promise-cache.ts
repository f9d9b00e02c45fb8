// A small least-recently-added cache of promised values: concurrent askers share one computation,
// and a failed one is dropped so the next asker tries again.
export class PromiseCache<T> {
  readonly #entries = new Map<string, Promise<T>>()
  readonly #maxEntries: number

  constructor (maxEntries: number) {
    this.#maxEntries = maxEntries
  }

  get (key: string, make: () => Promise<T>): Promise<T> {
    const cached = this.#entries.get(key)
    if (cached !== undefined) return cached
    const made = make()
    made.catch(() => { if (this.#entries.get(key) === made) this.#entries.delete(key) })
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string)
    this.#entries.set(key, made)
    return made
  }
}
