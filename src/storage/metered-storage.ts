// Wraps a storage driver so every operation's latency and outcome is measured, whatever the driver.
import { StorageDecorator } from './storage-decorator.js'
import type { Storage } from './storage.js'

/** Where measured operations go (GatewayMetrics in the gateway); storage knows no metrics library. */
export interface StorageMetrics {
  storageOperation(driver: string, operation: string, outcome: 'ok' | 'error', seconds: number): void
}

export class MeteredStorage extends StorageDecorator {
  readonly #metrics: StorageMetrics

  constructor (inner: Storage, metrics: StorageMetrics) {
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
