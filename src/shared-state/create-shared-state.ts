// The one place that decides where shared state lives: per-process memory (no REDIS_URL, one
// replica) or Redis (many replicas), with REDIS_FAILURE_POLICY wrapped around every Redis store.
import type { GatewayConfig } from '../config/load-config.js'
import type { IdempotencyStore } from '../idempotency/idempotency-store.js'
import { MemoryIdempotencyStore } from '../idempotency/memory-idempotency-store.js'
import { RedisIdempotencyStore } from '../idempotency/redis-idempotency-store.js'
import type { LimitStore } from '../limits/limit-store.js'
import { MemoryLimitStore } from '../limits/memory-limit-store.js'
import { RedisLimitStore } from '../limits/redis-limit-store.js'
import { memoryRequestRateStore, type RequestRateStore } from '../limits/request-rate-store.js'
import { GuardedIdempotencyStore } from './guarded-idempotency-store.js'
import { GuardedLimitStore } from './guarded-limit-store.js'
import { redisRequestRateStore } from './rate-limit-store.js'
import { checkRedis, closeRedis, createRedisClient, firstConnection, type ConnectionLogger } from './redis-client.js'
import { RedisFailureGuard } from './redis-failure-guard.js'
import { RedisOrMemory } from './redis-or-memory.js'
import { LocalManifestInvalidations, RedisManifestInvalidations, type ManifestInvalidations } from './manifest-invalidations.js'
import type { SharedStateEvents } from './shared-state-events.js'

export interface SharedStateReadiness {
  check(): Promise<void>
  /** fail-closed: the replica is not ready without Redis. fail-open: it serves anyway (degraded). */
  required: boolean
}

export interface SharedState {
  limitStore: LimitStore
  idempotencyStore: IdempotencyStore
  /** The request counts @fastify/rate-limit keeps (and GET /v1/usage reads). */
  rateLimitStore: RequestRateStore
  /** How a deleted generation reaches every replica's manifest cache. */
  manifestInvalidations: ManifestInvalidations
  /** Set when Redis is configured: what /readyz reports as `checks.redis`. */
  redis?: SharedStateReadiness
  close(): Promise<void>
}

// How long start-up waits for Redis before it goes on without it (not ready, and per the policy).
const FIRST_CONNECTION_WAIT_MS = 5000

/**
 * `redisConfig` is REDIS_* (undefined: no REDIS_URL, everything in this process). `now` is the clock of
 * the in-memory counters (the quota windows' keys come from the same clock).
 */
export async function createSharedState (redisConfig: GatewayConfig['redis'], log: ConnectionLogger, events: SharedStateEvents, now?: () => number): Promise<SharedState> {
  if (redisConfig === undefined) {
    const limitStore = new MemoryLimitStore({ now })
    const idempotencyStore = new MemoryIdempotencyStore()
    return {
      limitStore,
      idempotencyStore,
      rateLimitStore: memoryRequestRateStore(),
      manifestInvalidations: new LocalManifestInvalidations(),
      async close () {
        await limitStore.close()
        await idempotencyStore.close()
      }
    }
  }
  const { keyPrefix, failurePolicy } = redisConfig
  const redis = createRedisClient(redisConfig, log, events)
  if (!await firstConnection(redis, FIRST_CONNECTION_WAIT_MS)) {
    log.warn({ policy: failurePolicy }, `Redis is not reachable at start; ${failurePolicy === 'fail-closed' ? 'requests get 503 until it is' : 'limits are per process until it is'}`)
  }
  const guard = new RedisFailureGuard(failurePolicy, events, log, () => checkRedis(redis))
  const limitStore = new GuardedLimitStore(new RedisOrMemory<LimitStore>(new RedisLimitStore(redis, `${keyPrefix}limit:`), new MemoryLimitStore({ now }), guard))
  const idempotencyStore = new GuardedIdempotencyStore(new RedisOrMemory<IdempotencyStore>(new RedisIdempotencyStore(redis, `${keyPrefix}idem:`), new MemoryIdempotencyStore(), guard))
  const manifestInvalidations = new RedisManifestInvalidations(redis, `${keyPrefix}manifests:deleted`, guard, log)
  return {
    limitStore,
    idempotencyStore,
    manifestInvalidations,
    rateLimitStore: redisRequestRateStore(redis, `${keyPrefix}rate:`, guard),
    // A readiness check is also a probe: once it passes, requests use Redis again too.
    redis: { check: () => guard.probeNow(), required: failurePolicy === 'fail-closed' },
    async close () {
      guard.close()
      await manifestInvalidations.close()
      await limitStore.close()
      await idempotencyStore.close()
      await closeRedis(redis)
    }
  }
}
