// Drives load with autocannon (as a library) and reduces its result to what the benchmark reports.
// Any non-2xx answer or connection error fails the run: a fast error is not a measurement.
import autocannon from 'autocannon'

export interface LoadOptions {
  url: string
  /** A value sent as JSON, or a Buffer sent as it is with `contentType` (an upload). */
  body: unknown
  contentType?: string
  headers?: Record<string, string>
  connections: number
  /** Seconds; ignored when `amount` is set. */
  durationS?: number
  /** Exactly this many requests, then stop. */
  amount?: number
  timeoutS?: number
}

export interface LoadResult {
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  seconds: number
}

export class LoadError extends Error {}

// autocannon keeps every response body as a string built chunk by chunk, only to compare it when
// asked to (expectBody/verifyBody, unused here). For a 1.6 MB answer that costs the load generator
// ≈9 CPU ms, mostly garbage collection, and caps the baseline's `big` throughput at a fraction of
// what it serves. Bodies are dropped instead; bytes and latencies are still counted.
function dropResponseBodies (client: unknown): void {
  const queue = (client as { pipelinedRequests?: { addBody?: unknown } }).pipelinedRequests
  if (queue !== undefined && typeof queue.addBody === 'function') queue.addBody = () => {}
}

export async function runLoad (options: LoadOptions): Promise<LoadResult> {
  const startedAt = performance.now()
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'application/json', ...options.headers },
    body: Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body),
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationS ?? 5 }),
    timeout: options.timeoutS ?? 30,
    setupClient: dropResponseBodies
  })
  const seconds = (performance.now() - startedAt) / 1000
  if (result.non2xx > 0 || result.errors > 0) {
    const statuses = JSON.stringify(result.statusCodeStats ?? {})
    throw new LoadError(`${options.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors (${result.timeouts} timeouts); status counts ${statuses}`)
  }
  const requests = result['2xx']
  return {
    requests,
    // autocannon's own per-second average drops the partial last second; count over the wall time.
    requestsPerSecond: requests / (options.amount !== undefined ? seconds : result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    seconds
  }
}
