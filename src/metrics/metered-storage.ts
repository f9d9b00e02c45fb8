// Wraps a storage driver so every operation's latency and outcome is measured, whatever the driver.
import { StorageDecorator } from '../storage/storage-decorator.js'
import type { Storage } from '../storage/storage.js'
import type { GatewayMetrics } from './gateway-metrics.js'

export class MeteredStorage extends StorageDecorator {
  readonly #metrics: GatewayMetrics

  constructor (inner: Storage, metrics: GatewayMetrics) {
    super(inner)
    this.#metrics = metrics
  }

  protected async around<T> (operation: string, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now()
    let outcome: 'ok' | 'error' = 'error'
    try {
      const result = await run()
      outcome = 'ok'
      return result
    } finally {
      this.#metrics.storageOperation(this.driver, operation, outcome, (performance.now() - startedAt) / 1000)
    }
  }
}
