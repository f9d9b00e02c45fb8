// Picks and prepares the storage driver the configuration names: the one place that knows them all.
import type { GatewayConfig } from '../config/load-config.js'
import { guardStorage } from './guarded-storage.js'
import { LocalStorage } from './local-storage.js'
import { S3Storage } from './s3-storage.js'
import type { Storage } from './storage.js'

export async function createStorage (config: GatewayConfig['storage']): Promise<Storage> {
  if (config.driver === 's3') {
    return guardStorage(new S3Storage({
      bucket: config.s3.bucket,
      region: config.s3.region,
      endpoint: config.s3.endpoint,
      forcePathStyle: config.s3.forcePathStyle,
      requestTimeoutMs: config.s3.requestTimeoutMs
    }))
  }
  const local = new LocalStorage({ rootDir: config.dataDir, fsync: config.fsync })
  await local.init()
  return guardStorage(local)
}
