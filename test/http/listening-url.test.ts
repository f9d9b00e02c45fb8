// The one base URL for durable links and for what startGateway reports: wildcards become a name a
// client can connect to, IPv6 literals get brackets, and the port is the one actually bound.
import { createServer } from 'node:http'
import t from 'tap'
import { listeningUrl } from '../../src/http/listening-url.js'

const boundTo = (port: number) => ({ address: () => ({ address: '::', family: 'IPv6', port }) })
const notListening = { address: () => null }

t.test('a wildcard host becomes localhost, in every spelling', async (t) => {
  for (const host of ['0.0.0.0', '::', '::0', '0:0:0:0:0:0:0:0']) {
    t.equal(listeningUrl(boundTo(8080), { host, port: 0 }), 'http://localhost:8080', host)
  }
})

t.test('a loopback or other address is kept, IPv6 in brackets', async (t) => {
  t.equal(listeningUrl(boundTo(8080), { host: '127.0.0.1', port: 0 }), 'http://127.0.0.1:8080')
  t.equal(listeningUrl(boundTo(8080), { host: '::1', port: 0 }), 'http://[::1]:8080')
  t.equal(listeningUrl(boundTo(8080), { host: 'fd00::10', port: 0 }), 'http://[fd00::10]:8080')
  t.equal(listeningUrl(boundTo(8080), { host: '10.1.2.3', port: 0 }), 'http://10.1.2.3:8080')
})

t.test('a host name is kept as it is', async (t) => {
  t.equal(listeningUrl(boundTo(8080), { host: 'gateway.internal', port: 0 }), 'http://gateway.internal:8080')
  t.equal(listeningUrl(boundTo(8080), { host: 'localhost', port: 0 }), 'http://localhost:8080')
})

t.test('the port is the one the server got, not PORT=0', async (t) => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : -1
  t.ok(port > 0)
  t.equal(listeningUrl(server, { host: '127.0.0.1', port: 0 }), `http://127.0.0.1:${port}`)
})

t.test('before the server listens (an app driven by inject), the configured port is used', async (t) => {
  t.equal(listeningUrl(notListening, { host: '0.0.0.0', port: 8080 }), 'http://localhost:8080')
  t.equal(listeningUrl({ address: () => '/run/gateway.sock' }, { host: '127.0.0.1', port: 8080 }), 'http://127.0.0.1:8080')
})
