// Picks and prepares the storage driver the configuration names: the one place that knows them all.
// Every driver is wrapped the same way: a deadline on each operation (a hung backend fails instead
// of hanging), then one error type for every backend failure.
import type { GatewayConfig } from '../config/load-config.js'
import { DeadlineStorage } from './deadline-storage.js'
import { GuardedStorage } from './guarded-storage.js'
import { LocalStorage } from './local-storage.js'
import { S3Storage } from './s3-storage.js'
import type { Storage } from './storage.js'

export async function createStorage (config: GatewayConfig['storage']): Promise<Storage> {
  const bounded = (driver: Storage) => new GuardedStorage(new DeadlineStorage(driver, { opTimeoutMs: config.opTimeoutMs, streamIdleMs: config.streamIdleMs }))
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
