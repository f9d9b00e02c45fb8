// The TCP proxy (tcp-proxy.ts) in front of the real Redis, frozen (accept and read, answer nothing:
// a hung Redis) on demand; while frozen it records the name of every command it receives, so a test
// can count how many commands a request sent to a Redis that never answered.
import type net from 'node:net'
import { redisTarget, redisUrlVia } from './redis-via-proxy.js'
import { startTcpProxy } from './tcp-proxy.js'
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
  const frozenCommands: string[] = []
  const pending = new WeakMap<net.Socket, Buffer>()
  const proxy = await startTcpProxy(t, redisTarget(redisUrl), {
    onPausedData: (client, chunk) => {
      const { names, rest } = takeCommands(Buffer.concat([pending.get(client) ?? Buffer.alloc(0), chunk]))
      frozenCommands.push(...names)
      pending.set(client, rest)
    }
  })
  return {
    // REDIS_URL's DB, credentials and TLS are kept: only host and port point at the proxy.
    url: redisUrlVia(redisUrl, proxy.port),
    frozenCommands,
    freeze: () => proxy.pause(),
    // Connections made while frozen are dropped (clients reconnect).
    thaw: () => proxy.resume()
  }
}
