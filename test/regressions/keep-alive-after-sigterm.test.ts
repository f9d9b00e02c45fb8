// After shutdown began, requests on existing keep-alive connections were either accepted (a new
// generation started on a replica about to exit) or reset, so a caller could not tell whether a
// POST had run. Now a response sent while draining says `connection: close` (the client does not
// reuse the socket), and a request that still arrives is refused with 503 shutting_down,
// `retry-after` and `connection: close`, before anything runs.
import t, { type Test } from 'tap'
import { startTestGateway, TEST_KEY, type TestGateway } from '../helpers/gateway.js'
import { openRawConnection, type RawConnection } from '../helpers/raw-connection.js'
import { waitFor } from '../helpers/wait-for.js'

const body = JSON.stringify({ prompt: 'drain', size: '512x512' })
const headersOf = (length: number) => `POST /generate HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer ${TEST_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n`

/**
 * Starts closing the gateway and waits until it has stopped accepting connections. The close still
 * running is handed back in an object: an async function that returned the promise itself would
 * wait for it, so every later step would run after the shutdown had finished.
 */
async function beginShutdown (env: TestGateway): Promise<{ closing: Promise<void> }> {
  const closing = env.gateway.close()
  await waitFor(() => !env.gateway.app.server.listening ? true : undefined, 'the server stops listening')
  return { closing }
}

/** One generation in flight on a raw keep-alive connection, then shutdown begun. */
async function generationInFlightThenShutdown (t: Test): Promise<{ env: TestGateway, connection: RawConnection, closing: Promise<void> }> {
  const env = await startTestGateway(t)
  env.simulator.setLatency(500)
  const connection = await openRawConnection(t, env.url)
  connection.write(`${headersOf(Buffer.byteLength(body))}\r\n${body}`)
  await waitFor(() => env.simulator.stats.generationRequests === 1 ? true : undefined, 'the generation reaches the provider')
  const { closing } = await beginShutdown(env)
  return { env, connection, closing }
}

t.test('a request that arrives on a kept-alive connection after shutdown began is never run: refused 503 shutting_down, or left unanswered after a connection: close answer', async (t) => {
  const { env, connection, closing } = await generationInFlightThenShutdown(t)
  // A second request on the same (busy) connection, after shutdown began (HTTP/1.1 pipelining).
  connection.write(`${headersOf(Buffer.byteLength(body))}\r\n${body}`)
  const first = await connection.nextResponse()
  t.equal(first?.status, 200, 'the generation in flight completes')
  t.equal(first?.headers.connection, 'close', 'and says the connection closes after it')
  const second = await connection.nextResponse()
  if (second !== undefined) {
    // Either outcome tells the caller the request did not run: an explicit refusal...
    t.equal(second.status, 503)
    t.equal(second.headers.connection, 'close')
    t.equal(second.headers['retry-after'], '1')
    t.same(JSON.parse(second.body), { error: { message: 'The gateway is shutting down and did not process this request; send it again (another replica will take it).', type: 'server_error', param: null, code: 'shutting_down' } })
  } else {
    // ...or no answer after a `connection: close` one (RFC 9112 9.6: the server processes no further request).
    t.pass('the socket closed after the connection: close answer')
  }
  await connection.closed
  t.notOk(connection.wasReset(), 'closed, not reset')
  t.equal(env.simulator.stats.generationRequests, 1, 'the second request never reached the provider')
  await closing
})

t.test('a generation in flight when shutdown begins finishes, and its answer says connection: close so the socket is not reused', async (t) => {
  const { connection, closing } = await generationInFlightThenShutdown(t)
  const answered = await connection.nextResponse()
  t.equal(answered?.status, 200, 'the in-flight generation completes')
  t.equal(answered?.headers.connection, 'close', 'the client is told not to send another request on this socket')
  await connection.closed
  t.notOk(connection.wasReset(), 'the server closes the socket cleanly after the answer')
  await closing
})
