// Failures the simulator can be told to produce, so the gateway's failure paths are tested against
// real HTTP rather than mocks.
export type SimulatorFault =
  | { kind: 'status', status: number, code?: string, message?: string, type?: string, retryAfterSeconds?: number, retryAfterMs?: number }
  | { kind: 'malformed-json' }
  | { kind: 'truncated-base64' }
  | { kind: 'non-image' }
  | { kind: 'zero-images' }
  | { kind: 'url-404' }
  | { kind: 'reset' }
  | { kind: 'reset-mid-body' }
  | { kind: 'slow-body', chunkDelayMs: number }
  | { kind: 'delay', ms: number }
  // Streamed answers only: after `afterPartials` partial-image events (or before the last
  // completed event when the stream has fewer partials), the stream breaks off.
  | { kind: 'stream-error', afterPartials: number, status?: number, code?: string, message?: string, type?: string }
  | { kind: 'stream-reset', afterPartials: number }
  | { kind: 'stream-stall', afterPartials: number }

export type StreamFault = Extract<SimulatorFault, { kind: 'stream-error' | 'stream-reset' | 'stream-stall' }>

export class FaultQueue {
  readonly #queue: SimulatorFault[] = []
  #fallback: SimulatorFault | undefined

  push (fault: SimulatorFault, times = 1): void {
    for (let count = 0; count < times; count++) this.#queue.push(fault)
  }

  setDefault (fault: SimulatorFault | undefined): void {
    this.#fallback = fault
  }

  next (): SimulatorFault | undefined {
    return this.#queue.shift() ?? this.#fallback
  }

  clear (): void {
    this.#queue.length = 0
    this.#fallback = undefined
  }
}

const KINDS = new Set(['status', 'malformed-json', 'truncated-base64', 'non-image', 'zero-images', 'url-404', 'reset', 'reset-mid-body', 'slow-body', 'delay', 'stream-error', 'stream-reset', 'stream-stall'])
const STREAM_KINDS = new Set(['stream-error', 'stream-reset', 'stream-stall'])

export function parseFault (value: unknown): SimulatorFault | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const kind = (value as { kind?: unknown }).kind
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined
  if (STREAM_KINDS.has(kind)) {
    const afterPartials = (value as { afterPartials?: unknown }).afterPartials ?? 0
    if (typeof afterPartials !== 'number' || !Number.isInteger(afterPartials) || afterPartials < 0) return undefined
    return { ...value, afterPartials } as SimulatorFault
  }
  return value as SimulatorFault
}

export function isStreamFault (fault: SimulatorFault | undefined): fault is StreamFault {
  return fault !== undefined && STREAM_KINDS.has(fault.kind)
}
