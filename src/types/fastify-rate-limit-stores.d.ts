// @fastify/rate-limit ships its two stores as plain CommonJS files without type declarations. Both
// implement `read` (since 11.2: `incr` without counting), which the plugin's own
// FastifyRateLimitStore type does not list yet; src/limits/request-rate-store.ts names the result.

// Types only, shared by the two declarations below: there is no such file in the package.
declare module '@fastify/rate-limit/store/readable-store' {
  import type { FastifyRateLimitStore } from '@fastify/rate-limit'
  export interface ReadableStore extends FastifyRateLimitStore {
    read(key: string, callback: Parameters<FastifyRateLimitStore['incr']>[1], timeWindow: number, max: number): void
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): ReadableStore
  }
}

declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { ReadableStore } from '@fastify/rate-limit/store/readable-store'
  import type { Redis } from 'ioredis'
  const RedisStore: new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key?: string) => ReadableStore
  export default RedisStore
}

declare module '@fastify/rate-limit/store/LocalStore.js' {
  import type { ReadableStore } from '@fastify/rate-limit/store/readable-store'
  const LocalStore: new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => ReadableStore
  export default LocalStore
}
