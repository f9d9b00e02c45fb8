// A raw HTTP/1.1 connection for tests where the wire matters (keep-alive, half-sent requests,
// what happens to a socket at shutdown): write bytes, read whole responses, see the socket close.
import net from 'node:net'
import type { Teardown } from './temp-dir.js'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface RawConnection {
  write(text: string): void
  /** The next complete response (content-length bodies), or undefined if the socket closed first. */
  nextResponse(): Promise<RawResponse | undefined>
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>
  /** Whether the connection was reset (ECONNRESET) rather than closed. */
  wasReset(): boolean
}

export async function openRawConnection (t: Teardown, url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url)
  const socket = net.connect(Number(port), hostname)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  t.teardown(() => { socket.destroy() })
  let buffered: Buffer = Buffer.alloc(0)
  let reset = false
  let ended = false
  let wake: (() => void) | undefined
  socket.on('data', (chunk: Buffer) => { buffered = Buffer.concat([buffered, chunk]); wake?.() })
  socket.on('error', (error: NodeJS.ErrnoException) => { if (error.code === 'ECONNRESET') reset = true })
  const closed = new Promise<void>((resolve) => socket.once('close', () => { ended = true; wake?.(); resolve() }))

  const parse = (): RawResponse | undefined => {
    const end = buffered.indexOf('\r\n\r\n')
    if (end < 0) return undefined
    const [statusLine = '', ...headerLines] = buffered.subarray(0, end).toString('latin1').split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    if (buffered.length < end + 4 + length) return undefined
    const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8')
    buffered = buffered.subarray(end + 4 + length)
    return { status: Number(statusLine.split(' ')[1]), headers, body }
  }

  return {
    write: (text) => socket.write(text),
    nextResponse: async () => {
      for (;;) {
        const response = parse()
        if (response !== undefined) return response
        if (ended) return undefined
        await new Promise<void>((resolve) => { wake = resolve })
      }
    },
    closed,
    wasReset: () => reset
  }
}
