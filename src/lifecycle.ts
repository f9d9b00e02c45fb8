// What the gateway has started, stopped again last-started-first: on close, and when a later step of
// the start fails (a broken file, Redis refused, a taken port), so either way nothing is left running.
export class Lifecycle {
  readonly #stops: Array<() => unknown> = []
  #stopping: Promise<void> | undefined

  /** Records how to stop what has just started. */
  started (stop: () => unknown): void {
    this.#stops.push(stop)
  }

  /**
   * Stops everything once, in reverse start order (later calls share the first). Every stop runs
   * even when one fails, so one failure cannot leave the rest running; the first failure is thrown.
   */
  async stopAll (): Promise<void> {
    this.#stopping ??= this.#stopEach()
    await this.#stopping
  }

  async #stopEach (): Promise<void> {
    const failures: unknown[] = []
    for (const stop of this.#stops.reverse()) {
      try {
        await stop()
      } catch (error) {
        failures.push(error)
      }
    }
    if (failures.length > 0) throw failures[0]
  }
}
