// A TCP proxy in front of the real Redis that can freeze (accept and read, answer nothing: a hung
// Redis) and, while frozen, records the name of every command it receives, so a test can count how
// many commands a request sent to a Redis that never answered.
import net from 'node:net'
import type { Teardown } from './temp-dir.js'

export interface FreezingRedisProxy {
  url: string
  freeze(): void
  /** Forwards again; connections made while frozen are dropped (clients reconnect). */
  thaw(): void
  /** Names (upper case) of the commands received while frozen, in order. */
  frozenCommands: string[]
}

/** Reads complete RESP commands (arrays of bulk strings) off the front of `buffer`. */
function takeCommands (buffer: Buffer): { names: string[], rest: Buffer } {
  const names: string[] = []
  let offset = 0
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', offset)
    if (lineEnd < 0 || buffer[offset] !== 0x2a) break // '*'
    const count = Number(buffer.subarray(offset + 1, lineEnd).toString('latin1'))
    let cursor = lineEnd + 2
    const parts: string[] = []
    for (let index = 0; index < count; index++) {
      const headerEnd = buffer.indexOf('\r\n', cursor)
      if (headerEnd < 0) return { names, rest: buffer.subarray(offset) }
      const length = Number(buffer.subarray(cursor + 1, headerEnd).toString('latin1'))
      if (buffer.length < headerEnd + 2 + length + 2) return { names, rest: buffer.subarray(offset) }
      parts.push(buffer.subarray(headerEnd + 2, headerEnd + 2 + length).toString('latin1'))
      cursor = headerEnd + 2 + length + 2
    }
    names.push((parts[0] ?? '').toUpperCase())
    offset = cursor
  }
  return { names, rest: buffer.subarray(offset) }
}

export async function startFreezingRedisProxy (t: Teardown, redisUrl: string): Promise<FreezingRedisProxy> {
  const target = new URL(redisUrl)
  const sockets = new Set<net.Socket>()
  const frozenCommands: string[] = []
  let frozen = false
  const record = (client: net.Socket) => {
    let pending: Buffer = Buffer.alloc(0)
    client.on('data', (chunk: Buffer) => {
      const { names, rest } = takeCommands(Buffer.concat([pending, chunk]))
      frozenCommands.push(...names)
      pending = rest
    })
    client.resume() // unpiping paused it
  }
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const server = net.createServer((client) => {
    track(client)
    if (frozen) {
      record(client)
      return
    }
    const upstream = net.connect(Number(target.port || 6379), target.hostname)
    track(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    frozenCommands,
    freeze: () => {
      frozen = true
      for (const socket of sockets) {
        socket.unpipe()
        socket.removeAllListeners('data')
        // Only client sockets carry commands; what Redis already sent back is dropped.
        if (socket.remotePort !== Number(target.port || 6379)) record(socket)
      }
    },
    thaw: () => {
      frozen = false
      for (const socket of sockets) socket.destroy()
    }
  }
}
