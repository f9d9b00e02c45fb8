// Tells every replica that a generation's manifest is gone, so none keeps serving a deleted
// generation from its manifest cache. In one process that is a function call; with Redis it is a
// pub/sub channel under REDIS_KEY_PREFIX. Best effort: a missed message is bounded by the cache TTL.
import type { Redis } from 'ioredis'
import type { ConnectionLogger } from './redis-client.js'
import type { RedisFailureGuard } from './redis-failure-guard.js'

// How long close waits for the subscriber's socket to be gone.
const CLOSE_WAIT_MS = 2000

export type ManifestForgetter = (manifestKey: string) => void

export interface ManifestInvalidations {
  /** Announces a deleted manifest to every replica, this one included. Never throws. */
  announce(manifestKey: string): Promise<void>
  /** Calls `forget` for every manifest any replica announces. */
  subscribe(forget: ManifestForgetter): void
  close(): Promise<void>
}

/** One process: the announcement goes straight to this process's listeners. */
export class LocalManifestInvalidations implements ManifestInvalidations {
  readonly #listeners: ManifestForgetter[] = []

  async announce (manifestKey: string): Promise<void> {
    for (const forget of this.#listeners) forget(manifestKey)
  }

  subscribe (forget: ManifestForgetter): void {
    this.#listeners.push(forget)
  }

  async close (): Promise<void> {}
}

/** Many replicas: PUBLISH on the shared connection, a subscriber connection of its own for messages. */
export class RedisManifestInvalidations implements ManifestInvalidations {
  readonly #local = new LocalManifestInvalidations()
  readonly #publisher: Redis
  readonly #subscriber: Redis
  readonly #channel: string
  readonly #guard: RedisFailureGuard

  constructor (publisher: Redis, channel: string, guard: RedisFailureGuard, log: ConnectionLogger) {
    this.#publisher = publisher
    this.#channel = channel
    this.#guard = guard
    // A subscriber connection only listens, so unlike the command connection it may queue its
    // SUBSCRIBE until connected; ioredis subscribes again after every reconnect.
    this.#subscriber = publisher.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined })
    this.#subscriber.on('error', () => {}) // the command connection already reports outages
    this.#subscriber.on('message', (from: string, manifestKey: string) => {
      if (from === channel) void this.#local.announce(manifestKey)
    })
    this.#subscriber.subscribe(channel).catch((error: unknown) => {
      log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'could not subscribe to manifest invalidations; other replicas\' deletions show after MANIFEST_CACHE_TTL_MS')
    })
  }

  async announce (manifestKey: string): Promise<void> {
    await this.#local.announce(manifestKey)
    await this.#guard.bestEffort('manifests.invalidate', async () => { await this.#publisher.publish(this.#channel, manifestKey) }, async () => {})
  }

  subscribe (forget: ManifestForgetter): void {
    this.#local.subscribe(forget)
  }

  /** Resolves once the subscriber's socket is gone (bounded: a dead peer cannot hold shutdown). */
  async close (): Promise<void> {
    if (this.#subscriber.status === 'end') return
    const subscriber = this.#subscriber
    await new Promise<void>((resolve) => {
      const bound = setTimeout(resolve, CLOSE_WAIT_MS)
      subscriber.once('end', () => {
        clearTimeout(bound)
        resolve()
      })
      subscriber.disconnect()
    })
  }
}
