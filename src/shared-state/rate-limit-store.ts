// The request-rate store handed to @fastify/rate-limit when REDIS_URL is set: the plugin's own
// Redis store (one atomic INCR+PEXPIRE script per request), with REDIS_FAILURE_POLICY applied —
// a 503 while Redis is down, or the plugin's per-process LocalStore in its place.
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor, RateLimitOptions } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import type { Redis } from 'ioredis'
import type { RedisFailureGuard } from './redis-failure-guard.js'

type Incr = FastifyRateLimitStore['incr']
type IncrResult = { current: number, ttl: number }
type ChildOptions = Parameters<FastifyRateLimitStore['child']>[0]

class GuardedRateLimitStore implements FastifyRateLimitStore {
  readonly #redis: FastifyRateLimitStore
  readonly #local: FastifyRateLimitStore
  readonly #guard: RedisFailureGuard

  constructor (redis: FastifyRateLimitStore, local: FastifyRateLimitStore, guard: RedisFailureGuard) {
    this.#redis = redis
    this.#local = local
    this.#guard = guard
  }

  incr (key: string, callback: Parameters<Incr>[1], timeWindow: number, max: number): void {
    const viaStore = (store: FastifyRateLimitStore) => () => new Promise<IncrResult>((resolve, reject) => {
      store.incr(key, (error, result) => (error !== null || result === undefined ? reject(error ?? new Error('no result')) : resolve(result)), timeWindow, max)
    })
    this.#guard.use('rate-limit.incr', viaStore(this.#redis), viaStore(this.#local)).then(
      (result) => callback(null, result),
      (error: Error) => callback(error)
    )
  }

  child (routeOptions: ChildOptions): FastifyRateLimitStore {
    return new GuardedRateLimitStore(this.#redis.child(routeOptions), this.#local.child(routeOptions), this.#guard)
  }
}

/** A store class for @fastify/rate-limit's `store` option; keys start with `nameSpace`. */
export function guardedRateLimitStore (redis: Redis, nameSpace: string, guard: RedisFailureGuard): FastifyRateLimitStoreCtor {
  return class extends GuardedRateLimitStore {
    // The plugin constructs its store with its normalised options (typed as an empty interface).
    constructor (options: FastifyRateLimitOptions) {
      const { continueExceeding = false, exponentialBackoff = false } = options as RateLimitOptions
      super(new RedisStore(continueExceeding, exponentialBackoff, redis, nameSpace), new LocalStore(continueExceeding, exponentialBackoff), guard)
    }
  }
}
