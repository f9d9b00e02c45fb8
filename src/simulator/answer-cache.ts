// Encoded answers kept per request body, so a benchmark's simulator spends its time sending bytes,
// not re-encoding megabytes of base64 JSON for every identical request. An entry is only reused
// within the same `created` second, so a cached answer is exactly what a fresh one would be. The
// entry holds a promise: concurrent identical requests share one encoding instead of each making it.
const MAX_ENTRIES = 16

interface CachedAnswer {
  created: number
  body: Promise<Buffer>
}

export class AnswerCache {
  readonly #entries = new Map<string, CachedAnswer>()

  get (requestText: string, created: number): Promise<Buffer> | undefined {
    const entry = this.#entries.get(requestText)
    return entry?.created === created ? entry.body : undefined
  }

  set (requestText: string, created: number, body: Promise<Buffer>): void {
    this.#entries.delete(requestText)
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string)
    this.#entries.set(requestText, { created, body })
    // A failed encoding is not kept: the next request tries again.
    body.catch(() => { if (this.#entries.get(requestText)?.body === body) this.#entries.delete(requestText) })
  }
}
