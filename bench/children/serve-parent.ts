// The child side of the benchmark's process protocol: tell the parent where we listen, answer its
// requests for CPU time, run a GC when asked (children start with --expose-gc), record a CPU
// profile of the main thread between two messages (so start-up is not in it), and stop cleanly.
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
export interface ChildService {
  url: string
  close(): Promise<void>
}

export type ParentMessage = { type: 'cpu' } | { type: 'gc' } | { type: 'stop' } | { type: 'profile-start' } | { type: 'profile-stop', file: string }
export type ChildMessage =
  | { type: 'ready', url: string }
  | { type: 'cpu', micros: number }
  | { type: 'gc-done' }
  | { type: 'profile-started' }
  | { type: 'profile-written' }

function send (message: ChildMessage): void {
  process.send?.(message)
}

async function startProfile (session: Session): Promise<void> {
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  send({ type: 'profile-started' })
}

async function stopProfile (session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  await writeFile(file, JSON.stringify(profile))
  send({ type: 'profile-written' })
}

export function serveParent (service: ChildService): void {
  const session = new Session()
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'profile-start') void startProfile(session)
    if (message.type === 'profile-stop') void stopProfile(session, message.file)
    if (message.type === 'cpu') {
      const usage = process.cpuUsage()
      send({ type: 'cpu', micros: usage.user + usage.system })
    } else if (message.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.()
      send({ type: 'gc-done' })
    } else if (message.type === 'stop') {
      void service.close().finally(() => process.exit(0))
    }
  })
  // The parent went away (crash, Ctrl-C): do not linger.
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready', url: service.url })
}
