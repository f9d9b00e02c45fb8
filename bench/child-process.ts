// The parent side of the benchmark's process protocol: starts a child (node + tsx, so the pid we
// watch is the process doing the work), and reads its CPU time (over IPC, microseconds) and its
// resident memory (from /proc: current, and the peak since the last reset).
import { EnvSchema } from '../src/config/env-schema.js'
import { fork, type ChildProcess } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, ParentMessage } from './children/serve-parent.js'

export interface StartChildOptions {
  env?: Record<string, string>
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[]
}

export class BenchChild {
  readonly name: string
  readonly url: string
  readonly #process: ChildProcess
  readonly #stderr: string[]

  private constructor (name: string, url: string, child: ChildProcess, stderr: string[]) {
    this.name = name
    this.url = url
    this.#process = child
    this.#stderr = stderr
  }

  static async start (name: string, script: string, options: StartChildOptions = {}): Promise<BenchChild> {
    const stderr: string[] = []
    const child = fork(fileURLToPath(new URL(`./children/${script}`, import.meta.url)), [], {
      execArgv: ['--expose-gc', ...(options.nodeArgs ?? []), '--import', 'tsx'],
      env: { ...inheritedEnv(), ...options.env },
      // Logs go nowhere, as they would to a collector: the cost of writing them stays in.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc']
    })
    child.stderr?.on('data', (chunk: Buffer) => { stderr.push(String(chunk)); if (stderr.length > 50) stderr.shift() })
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s: ${stderr.join('')}`)), 30_000)
      child.on('message', (message: ChildMessage) => {
        if (message.type !== 'ready') return
        clearTimeout(timer)
        resolve(message.url)
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited with code ${code} before it was ready: ${stderr.join('')}`))
      })
    })
    return new BenchChild(name, url, child, stderr)
  }

  get pid (): number {
    return this.#process.pid ?? 0
  }

  get stderr (): string {
    return this.#stderr.join('')
  }

  /** User + system CPU time the child has used so far, in microseconds. */
  async cpuMicros (): Promise<number> {
    const reply = await this.#ask({ type: 'cpu' }, 'cpu')
    return reply.type === 'cpu' ? reply.micros : 0
  }

  async gc (): Promise<void> {
    await this.#ask({ type: 'gc' }, 'gc-done')
  }

  /** Starts the V8 CPU profiler on the child's main thread. */
  async startProfile (): Promise<void> {
    await this.#ask({ type: 'profile-start' }, 'profile-started')
  }

  /** Stops the profiler and writes the .cpuprofile (Chrome DevTools format) to `file`. */
  async stopProfile (file: string): Promise<void> {
    await this.#ask({ type: 'profile-stop', file }, 'profile-written')
  }

  async rssBytes (): Promise<number> {
    return await this.#statusField('VmRSS')
  }

  async peakRssBytes (): Promise<number> {
    return await this.#statusField('VmHWM')
  }

  /** Starts a new peak-RSS period (Linux: writing 5 to clear_refs resets VmHWM to the current RSS). */
  async resetPeakRss (): Promise<void> {
    await writeFile(`/proc/${this.pid}/clear_refs`, '5')
  }

  async stop (): Promise<void> {
    if (this.#process.exitCode !== null || !this.#process.connected) return
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()))
    this.#process.send({ type: 'stop' } satisfies ParentMessage)
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }

  async #statusField (field: string): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8')
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
    return match === null ? 0 : Number(match[1]) * 1024
  }

  async #ask (message: ParentMessage, replyType: ChildMessage['type']): Promise<ChildMessage> {
    return await new Promise((resolve, reject) => {
      const onMessage = (reply: ChildMessage) => {
        if (reply.type !== replyType) return
        this.#process.off('message', onMessage)
        resolve(reply)
      }
      this.#process.on('message', onMessage)
      this.#process.send(message, (error) => { if (error !== null) reject(error) })
    })
  }
}

// Children get the machine's environment (PATH, HOME, …) but none of the gateway's own settings:
// CI exports REDIS_URL, which would put every gateway contender on Redis, not only the redis one.
function inheritedEnv (): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(EnvSchema.properties)) delete env[name]
  return env
}
