// The request-rate counters behind @fastify/rate-limit, one per tenant. The plugin's own store
// contract (`incr`, `child`) plus `read`, its look-up that counts nothing (added in plugin 11.2 for
// `{ increment: false }`, not yet in its types), so GET /v1/usage reads the count from the store
// instead of from headers the plugin set on the same request.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'

/** What a store knows of one key: requests counted in its window, and milliseconds until it resets. */
export interface RequestCount {
  current: number
  ttl: number
}

export type CountCallback = (error: Error | null, result?: RequestCount) => void
export type RouteStoreOptions = Parameters<FastifyRateLimitStore['child']>[0]

export interface RequestRateStore extends FastifyRateLimitStore {
  /** Like `incr` without counting: `{ current: 0, ttl: 0 }` when the key has no live window. */
  read(key: string, callback: CountCallback, timeWindow: number, max: number): void
  child(routeOptions: RouteStoreOptions): RequestRateStore
}

/** The key the tenant rate limit counts a tenant's requests under. */
export function requestRateKey (tenantId: string): string {
  return `tenant:${tenantId}`
}

/** One process's counts: the plugin's LocalStore, as the plugin builds it for our registration. */
export function memoryRequestRateStore (): RequestRateStore {
  return new LocalStore(false, false)
}

/** `read` as a promise. */
export async function readRequestCount (store: RequestRateStore, key: string, timeWindowMs: number, max: number): Promise<RequestCount> {
  return await askRequestCount(store, 'read', key, timeWindowMs, max)
}

/** `incr` or `read` as a promise: the plugin's stores answer through callbacks. */
export async function askRequestCount (store: RequestRateStore, method: 'incr' | 'read', key: string, timeWindowMs: number, max: number): Promise<RequestCount> {
  return await new Promise((resolve, reject) => {
    store[method](key, (error, result) => (error !== null || result === undefined ? reject(error ?? new Error('no count')) : resolve(result)), timeWindowMs, max)
  })
}

/**
 * The plugin's `store` option is a class it constructs itself; every instance of this one counts in
 * `store`, so the counts the plugin keeps are the ones `store.read` returns. Route-level stores
 * (`child`) are the store's own children.
 */
export function pluginStoreFor (store: RequestRateStore): FastifyRateLimitStoreCtor {
  return class implements RequestRateStore {
    incr (key: string, callback: CountCallback, timeWindow: number, max: number): void {
      store.incr(key, callback, timeWindow, max)
    }

    read (key: string, callback: CountCallback, timeWindow: number, max: number): void {
      store.read(key, callback, timeWindow, max)
    }

    child (routeOptions: RouteStoreOptions): RequestRateStore {
      return store.child(routeOptions)
    }
  }
}
