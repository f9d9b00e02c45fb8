// Talks HTTP/1.1 over a raw TCP socket, for tests where the wire matters: malformed requests,
// clients that trickle their bytes, sockets left idle. Writes the given bytes (then, optionally, one
// more byte at a time), collects everything the server sends until it closes the connection or a
// generous bound passes, and parses the first answer.
import net from 'node:net'

export interface RawAnswer {
  /** The first answer's status; undefined when the server sent nothing. */
  status?: number
  /** Header names lower-cased. */
  headers: Record<string, string>
  body: string
  /** Everything received. */
  received: string
  /** True when the server closed the connection within the bound. */
  closed: boolean
  /** Bytes of the trickle written before the connection closed. */
  trickled: number
}

export interface RawOptions {
  /** Keep writing this one-byte chunk every `everyMs` after the request bytes (a slow client). */
  trickle?: { chunk: string, everyMs: number }
  /** Give up waiting for the server to close after this long (the test then sees closed: false). */
  boundMs?: number
  /** Source address to connect from (any 127.x.y.z works on Linux loopback). */
  localAddress?: string
}

export async function rawExchange (url: string, request: string | Buffer, options: RawOptions = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  const socket = net.connect({ host: hostname, port: Number(port), localAddress: options.localAddress })
  const chunks: Buffer[] = []
  let trickled = 0
  let trickleTimer: NodeJS.Timeout | undefined
  socket.on('data', (chunk) => chunks.push(chunk))
  socket.on('error', () => {}) // a reset after the answer is expected when the server closes on a writer
  socket.once('connect', () => {
    if (request.length > 0) socket.write(request)
    if (options.trickle !== undefined) {
      const { chunk, everyMs } = options.trickle
      trickleTimer = setInterval(() => {
        if (socket.destroyed || !socket.writable) return
        socket.write(chunk)
        trickled++
      }, everyMs)
    }
  })
  const closed = await new Promise<boolean>((resolve) => {
    const bound = setTimeout(() => resolve(false), options.boundMs ?? 15_000)
    socket.once('close', () => {
      clearTimeout(bound)
      resolve(true)
    })
  })
  clearInterval(trickleTimer)
  socket.destroy()
  return { ...parseAnswer(Buffer.concat(chunks).toString('latin1')), closed, trickled }
}

function parseAnswer (received: string): Pick<RawAnswer, 'status' | 'headers' | 'body' | 'received'> {
  const headerEnd = received.indexOf('\r\n\r\n')
  if (headerEnd === -1) return { headers: {}, body: '', received }
  const [statusLine = '', ...headerLines] = received.slice(0, headerEnd).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const length = Number(headers['content-length'] ?? 0)
  const body = Buffer.from(received.slice(headerEnd + 4), 'latin1').subarray(0, length).toString('utf8')
  return { status: Number(statusLine.split(' ')[1]), headers, body, received }
}
