// The checks behind /readyz: storage can store and, when shared state is in Redis, Redis answers.
// Fail-closed replicas are not ready without Redis; fail-open ones stay ready and say they are
// degraded (taking them all out of the load balancer would defeat failing open). Each check runs
// against its own deadline: a probe must answer fast even when a dependency hangs.
import type { CheckResult } from '../schemas/health.js'
import type { SharedStateReadiness } from '../shared-state/create-shared-state.js'
import { StorageError, type Storage } from '../storage/storage.js'

export interface ReadinessReport {
  state: 'ready' | 'degraded' | 'not_ready'
  checks: { storage: CheckResult, redis?: CheckResult }
}

export interface ReadinessDependencies {
  /** Durable storage (the spool is not a place to keep serving from). */
  storage: Storage
  /** Set when shared state is in Redis. */
  redis?: SharedStateReadiness
  checkTimeoutMs: number
}

/** Where a failed check is told (the probe request's logger). */
export interface CheckLogger {
  warn(details: object, message: string): void
}

export class ReadinessChecks {
  readonly #dependencies: ReadinessDependencies

  constructor (dependencies: ReadinessDependencies) {
    this.#dependencies = dependencies
  }

  async run (log: CheckLogger): Promise<ReadinessReport> {
    const { storage, redis, checkTimeoutMs } = this.#dependencies
    const [storageCheck, redisCheck] = await Promise.all([
      probe(() => storage.checkReady(), checkTimeoutMs, (error) => log.warn({ err: error }, 'storage not ready')),
      redis === undefined
        ? undefined
        : probe(() => redis.check(), checkTimeoutMs, (error) => log.warn({ err: error }, 'Redis not ready'))
    ])
    const checks = { storage: storageCheck, ...(redisCheck !== undefined ? { redis: redisCheck } : {}) }
    const ready = storageCheck === 'ok' && (redisCheck === undefined || redisCheck === 'ok' || redis?.required === false)
    if (!ready) return { state: 'not_ready', checks }
    return { state: redisCheck !== undefined && redisCheck !== 'ok' ? 'degraded' : 'ready', checks }
  }
}

// One check against its own deadline. A check still running when the deadline passes is
// abandoned: its late failure is not logged again (the timeout already was).
async function probe (check: () => Promise<void>, timeoutMs: number, onFailure: (error: unknown) => void): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined
  let timedOut = false
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true
      onFailure(new Error(`no answer within ${timeoutMs} ms`))
      resolve('timeout')
    }, timeoutMs)
  })
  const checked = check().then(() => 'ok' as const, (error: unknown) => {
    if (!timedOut) onFailure(error)
    if (error instanceof StorageError && error.code === 'timeout') return 'timeout' as const
    if (error instanceof StorageError && error.code === 'full') return 'disk_full' as const
    return 'unavailable' as const
  })
  try {
    return await Promise.race([checked, deadline])
  } finally {
    clearTimeout(timer)
  }
}
