// Closes the app: lets in-flight requests finish (Fastify's close) while sweeping idle keep-alive
// connections, so a closing gateway is not held open by clients that keep theirs.
import type { FastifyInstance } from 'fastify'

// Node closes idle keep-alive connections once, when closing starts; connections whose last
// response was still finishing then would linger until their keep-alive timeout. Sweep again while
// in-flight requests drain.
export async function closeApp (app: FastifyInstance): Promise<void> {
  const closing = app.close()
  const idleSweeper = setInterval(() => app.server.closeIdleConnections(), 200)
  try {
    await closing
  } finally {
    clearInterval(idleSweeper)
  }
}
