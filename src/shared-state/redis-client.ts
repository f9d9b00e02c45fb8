// The one Redis connection a gateway process uses, with options chosen so that a dead or slow Redis
// fails commands quickly instead of queueing them: no request waits longer than the command timeout.
import { Redis } from 'ioredis'
import type { SharedStateEvents } from './shared-state-events.js'

export interface RedisClientOptions {
  url: string
  commandTimeoutMs: number
}

export interface ConnectionLogger {
  info(details: object, message: string): void
  warn(details: object, message: string): void
}

// Reconnect for ever, quickly at first, then once a second: a lost Redis is retried cheaply.
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 100, 1000)

export function createRedisClient (options: RedisClientOptions, log: ConnectionLogger, events: SharedStateEvents): Redis {
  const redis = new Redis(options.url, {
    // A command is refused at once while disconnected rather than queued: a queued quota update
    // would run after its request was already answered (or refused), counting twice.
    enableOfflineQueue: false,
    // Commands already sent when the connection drops fail now and are not re-sent on reconnect,
    // for the same reason; the failure policy decides what the request gets.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs,
    // A connection that stops answering (no RST, e.g. a partition) is dropped and re-made.
    socketTimeout: Math.max(3 * options.commandTimeoutMs, 3000),
    connectTimeout: 5000,
    retryStrategy: reconnectDelayMs,
    lazyConnect: false
  })
  let up = false
  redis.on('ready', () => {
    up = true
    events.redisConnection('up')
    log.info({ redis: describe(options.url) }, 'Redis connected: limits and idempotency are shared across replicas')
  })
  // Every reconnect attempt that fails emits 'error'; only the transition is worth a log line.
  redis.on('error', (error: Error) => {
    if (!up) return
    up = false
    events.redisConnection('down')
    log.warn({ redis: describe(options.url), reason: error.message }, 'Redis connection lost; reconnecting')
  })
  redis.on('close', () => {
    if (!up) return
    up = false
    events.redisConnection('down')
    log.warn({ redis: describe(options.url) }, 'Redis connection closed; reconnecting')
  })
  return redis
}

/** Waits until the first connection is ready or has failed once, at most `withinMs`. */
export async function firstConnection (redis: Redis, withinMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true
  return await new Promise<boolean>((resolve) => {
    const finish = (ready: boolean) => {
      clearTimeout(timer)
      redis.off('ready', onReady)
      redis.off('error', onError)
      resolve(ready)
    }
    const onReady = () => finish(true)
    const onError = () => finish(false)
    const timer = setTimeout(() => finish(false), withinMs)
    redis.once('ready', onReady)
    redis.once('error', onError)
  })
}

/** Readiness: the connection is up and answers a PING within the command timeout. */
export async function checkRedis (redis: Redis): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`Redis connection is ${redis.status}`)
  await redis.ping()
}

export async function closeRedis (redis: Redis): Promise<void> {
  if (redis.status === 'end') return
  redis.removeAllListeners('close') // closing on purpose is not a lost connection
  try {
    await redis.quit()
  } catch {
    redis.disconnect()
  }
}

// Host and port only: a URL may carry a password, which must never reach a log line.
function describe (url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}`
  } catch {
    return 'redis'
  }
}
