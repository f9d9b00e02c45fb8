// Hooks for shared-state trouble, so metrics (or anything else) can count Redis failures and
// outages without the stores knowing who listens.

/** What the failure policy did about a failed Redis operation. */
export type RedisFailureOutcome =
  /** fail-closed: the request was refused with 503 shared_state_unavailable. */
  | 'rejected'
  /** fail-open: the operation ran against this process's memory instead. */
  | 'per_process'
  /** A give-back or renewal that could not reach Redis; TTLs and leases clean up after it. */
  | 'ignored'

export interface SharedStateEvents {
  /** One shared-state operation (e.g. `limits.tryConsume`, `rate-limit.incr`) could not use Redis. */
  redisFailure(operation: string, outcome: RedisFailureOutcome): void
  /** The Redis connection became usable (`up`) or was lost (`down`). */
  redisConnection(state: 'up' | 'down'): void
}

export const noSharedStateEvents: SharedStateEvents = {
  redisFailure () {},
  redisConnection () {}
}

/** One SharedStateEvents that tells every listener given (e.g. metrics and a test's counters). */
export function allSharedStateEvents (listeners: Array<SharedStateEvents | undefined>): SharedStateEvents {
  const present = listeners.filter((listener): listener is SharedStateEvents => listener !== undefined)
  return {
    redisFailure: (...args) => { for (const listener of present) listener.redisFailure(...args) },
    redisConnection: (...args) => { for (const listener of present) listener.redisConnection(...args) }
  }
}

/** A SharedStateEvents that only counts, for tests and a simple metrics endpoint. */
export class SharedStateCounters implements SharedStateEvents {
  readonly failures = new Map<string, number>()
  readonly connections = { up: 0, down: 0 }

  redisFailure (operation: string, outcome: RedisFailureOutcome): void {
    const key = `${operation}:${outcome}`
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1)
  }

  redisConnection (state: 'up' | 'down'): void {
    this.connections[state]++
  }

  /** Failures handled with `outcome`, over all operations. */
  total (outcome: RedisFailureOutcome): number {
    let sum = 0
    for (const [key, count] of this.failures) if (key.endsWith(`:${outcome}`)) sum += count
    return sum
  }
}
