// How a failed image download is described to the caller: an abort (the download's own timeout),
// wherever it lands, reads "timed out or aborted"; a refused connection "connection failed".
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { GatewayError } from '../../src/errors/gateway-error.js'
import { downloadImage } from '../../src/upstream/download-image.js'

async function listening (t: Test, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function downloadError (host: string, path: string): Promise<GatewayError> {
  const error = await downloadImage(`http://${host}${path}`, { allowedHosts: new Set([host]), timeoutMs: 200, maxBytes: 1024 }).catch((caught: unknown) => caught)
  if (!(error instanceof GatewayError)) throw new Error('expected a GatewayError')
  return error
}

t.test('a server that never answers: timed out', async (t) => {
  const host = await listening(t, createServer(() => {}))
  const error = await downloadError(host, '/silent.png')
  t.equal(error.code, 'upstream_download_failed')
  t.equal(error.message, 'Could not download the image the provider returned: timed out or aborted.')
})

t.test('a body that stops halfway: timed out, also when the abort lands in the body stream', async (t) => {
  const host = await listening(t, createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': '100' })
    response.write(Buffer.alloc(10))
  }))
  const error = await downloadError(host, '/half.png')
  t.equal(error.code, 'upstream_download_failed')
  t.equal(error.message, 'Could not download the image the provider returned: timed out or aborted.')
})

t.test('a refused connection: connection failed', async (t) => {
  const server = createServer()
  const host = await listening(t, server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const error = await downloadError(host, '/gone.png')
  t.equal(error.message, 'Could not download the image the provider returned: connection failed.')
})

t.test('a body over the limit stays the size error, not a connection failure', async (t) => {
  const host = await listening(t, createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' })
    response.end(Buffer.alloc(4096))
  }))
  const error = await downloadError(host, '/big.png')
  t.equal(error.message, 'The image the provider returned is larger than 1024 bytes.')
})
