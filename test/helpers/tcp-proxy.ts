// A TCP proxy in front of a real server (here Redis), to cut it off from one gateway without
// disturbing anyone else using the same server: stop() refuses connections, pause() accepts them
// but answers nothing (a hung server), start()/resume() bring it back.
import net from 'node:net'
import type { Teardown } from './temp-dir.js'

export interface TcpProxy {
  port: number
  stop(): Promise<void>
  start(): Promise<void>
  pause(): void
  resume(): void
}

export interface TcpProxyOptions {
  /** Sees what each client sends while the proxy is paused (it is answered with nothing). */
  onPausedData?: (client: net.Socket, chunk: Buffer) => void
}

export async function startTcpProxy (t: Teardown, target: { host: string, port: number }, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  const clients = new Set<net.Socket>()
  let paused = false
  // Read and drop (or hand to onPausedData): the client sees a server that never answers.
  const swallow = (socket: net.Socket) => {
    const onPausedData = options.onPausedData
    socket.on('data', clients.has(socket) && onPausedData !== undefined ? (chunk: Buffer) => onPausedData(socket, chunk) : () => {})
    socket.resume() // unpiping paused it
  }
  const dropAll = () => {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
  }
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const server = net.createServer((client) => {
    track(client)
    clients.add(client)
    client.on('close', () => clients.delete(client))
    if (paused) {
      swallow(client)
      return
    }
    const upstream = net.connect(target.port, target.host)
    track(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  const listen = async (port: number) => await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  await listen(0)
  const port = (server.address() as net.AddressInfo).port
  const stop = async () => {
    if (!server.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    dropAll()
    await closed
  }
  t.teardown(stop)
  return {
    port,
    stop,
    start: async () => { if (!server.listening) await listen(port) },
    pause: () => {
      paused = true
      // Connections already open stop answering too: unpipe and swallow what arrives.
      for (const socket of sockets) {
        socket.unpipe()
        socket.removeAllListeners('data')
        swallow(socket)
      }
    },
    resume: () => {
      paused = false
      dropAll()
    }
  }
}
