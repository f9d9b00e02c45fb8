// Wraps a storage driver so every operation's latency and outcome is measured, whatever the driver.
import type { Storage } from '../storage/storage.js'
import type { GatewayMetrics } from './gateway-metrics.js'

const UNMEASURED = new Set<PropertyKey>(['close', 'driver'])

export function meteredStorage (storage: Storage, metrics: GatewayMetrics): Storage {
  return new Proxy(storage, {
    get (target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown
      if (typeof value !== 'function' || UNMEASURED.has(property)) return value
      return async (...args: unknown[]) => {
        const startedAt = performance.now()
        let outcome: 'ok' | 'error' = 'error'
        try {
          const result = await (value as (...inner: unknown[]) => Promise<unknown>).apply(target, args)
          outcome = 'ok'
          return result
        } finally {
          metrics.storageOperation(target.driver, String(property), outcome, (performance.now() - startedAt) / 1000)
        }
      }
    }
  })
}
