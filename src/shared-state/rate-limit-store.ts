// The request-rate store when REDIS_URL is set: @fastify/rate-limit's own Redis store (one atomic
// INCR+PEXPIRE script per request), with REDIS_FAILURE_POLICY applied — a 503 while Redis is down,
// or the plugin's per-process LocalStore in its place. Reads (GET /v1/usage) go the same way.
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import type { Redis } from 'ioredis'
import { askRequestCount, memoryRequestRateStore, type CountCallback, type RequestRateStore, type RouteStoreOptions } from '../limits/request-rate-store.js'
import type { RedisFailureGuard } from './redis-failure-guard.js'
import { RedisOrMemory } from './redis-or-memory.js'

export class GuardedRateLimitStore implements RequestRateStore {
  readonly #stores: RedisOrMemory<RequestRateStore>

  constructor (stores: RedisOrMemory<RequestRateStore>) {
    this.#stores = stores
  }

  incr (key: string, callback: CountCallback, timeWindow: number, max: number): void {
    this.#count('rate-limit.incr', 'incr', key, callback, timeWindow, max)
  }

  read (key: string, callback: CountCallback, timeWindow: number, max: number): void {
    this.#count('rate-limit.read', 'read', key, callback, timeWindow, max)
  }

  child (routeOptions: RouteStoreOptions): RequestRateStore {
    return new GuardedRateLimitStore(this.#stores.map((store) => store.child(routeOptions)))
  }

  // The plugin calls back; the guard works on promises.
  #count (name: string, method: 'incr' | 'read', key: string, callback: CountCallback, timeWindow: number, max: number): void {
    this.#stores.use(name, (store) => askRequestCount(store, method, key, timeWindow, max)).then(
      (result) => callback(null, result),
      (error: Error) => callback(error)
    )
  }
}

/** Counts in Redis under `nameSpace`, this process's LocalStore standing in while Redis fails. */
export function redisRequestRateStore (redis: Redis, nameSpace: string, guard: RedisFailureGuard): GuardedRateLimitStore {
  return new GuardedRateLimitStore(new RedisOrMemory<RequestRateStore>(new RedisStore(false, false, redis, nameSpace), memoryRequestRateStore(), guard))
}
