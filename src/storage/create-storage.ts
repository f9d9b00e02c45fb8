// Builds the storage the gateway uses from its configuration: the one place that knows every driver
// and every decorator, and the order they go in. From the outside in:
//   durable   MeteredStorage → GuardedStorage → DeadlineStorage → the driver (local or s3)
//   readable  SpoolFallbackStorage → durable, then the spool's files (GuardedStorage → LocalStorage)
// The deadline sits under the guard so a timeout is already a StorageError; metrics sit outside so
// they time what a caller waits, deadline included.
import type { GatewayConfig } from '../config/load-config.js'
import { DeadlineStorage } from './deadline-storage.js'
import { GuardedStorage } from './guarded-storage.js'
import { LocalStorage } from './local-storage.js'
import { MeteredStorage, type StorageMetrics } from './metered-storage.js'
import { S3Storage } from './s3-storage.js'
import type { Spool } from './spool.js'
import { SpoolFallbackStorage } from './spool-fallback.js'
import type { Storage } from './storage.js'

type StorageConfig = GatewayConfig['storage']

export interface StorageStack {
  /** Writes, the orphan sweep, the spool flusher's target and the readiness check. */
  durable: Storage
  /** Every read: durable storage, then the spool for generations still waiting there. */
  readable: Storage
}

export async function createStorageStack (config: StorageConfig, parts: { metrics: StorageMetrics, spool: Spool }): Promise<StorageStack> {
  const durable = new MeteredStorage(await createStorage(config), parts.metrics)
  // The spool's files fail as StorageError too: a raw fs error would be a 500 where storage trouble is a 503.
  return { durable, readable: new SpoolFallbackStorage(durable, new GuardedStorage(parts.spool.files)) }
}

/** The configured driver, bounded in time and failing as StorageError; unmetered, for tools and tests. */
export async function createStorage (config: StorageConfig): Promise<GuardedStorage> {
  const bounded = (driver: S3Storage | LocalStorage) => new GuardedStorage(new DeadlineStorage(driver, { opTimeoutMs: config.opTimeoutMs, streamIdleMs: config.streamIdleMs }))
  if (config.driver === 's3') {
    return bounded(new S3Storage({
      bucket: config.s3.bucket,
      region: config.s3.region,
      endpoint: config.s3.endpoint,
      forcePathStyle: config.s3.forcePathStyle,
      requestTimeoutMs: config.s3.requestTimeoutMs
    }))
  }
  const local = new LocalStorage({ rootDir: config.dataDir, fsync: config.fsync, minFreeBytes: config.readyMinFreeBytes })
  await local.init()
  return bounded(local)
}
