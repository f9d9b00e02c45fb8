// The child side of the benchmark's process protocol: tell the parent where we listen, answer its
// requests for CPU time, run a GC when asked (children start with --expose-gc), and stop cleanly so
// that --cpu-prof can write its profile on exit.
export interface ChildService {
  url: string
  close(): Promise<void>
}

export type ParentMessage = { type: 'cpu' } | { type: 'gc' } | { type: 'stop' }
export type ChildMessage =
  | { type: 'ready', url: string }
  | { type: 'cpu', micros: number }
  | { type: 'gc-done' }

function send (message: ChildMessage): void {
  process.send?.(message)
}

export function serveParent (service: ChildService): void {
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage()
      send({ type: 'cpu', micros: usage.user + usage.system })
    } else if (message.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.()
      send({ type: 'gc-done' })
    } else if (message.type === 'stop') {
      service.close().finally(() => process.exit(0))
    }
  })
  // The parent went away (crash, Ctrl-C): do not linger.
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready', url: service.url })
}
