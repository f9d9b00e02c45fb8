// Graceful shutdown on the wire: once closing begins, every answer says `connection: close` (so a
// keep-alive client does not send its next request on a socket about to close, which would be
// reset with the caller unable to tell whether a POST ran), and work that still arrives on an open
// connection is refused before it runs: 503 shutting_down with retry-after, also closing the socket.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'

export function shuttingDown (): GatewayError {
  return new GatewayError('shutting_down')
}

export class ShutdownDrain {
  #draining = false

  /** Adds the hooks to the root instance, before any route is registered. */
  install (app: FastifyInstance): void {
    // preClose runs before the server stops listening, so no answer sent after it is kept alive.
    app.addHook('preClose', async () => { this.#draining = true })
    app.addHook('onSend', async (_request, reply, payload) => {
      if (this.#draining) reply.header('connection', 'close')
      return payload
    })
  }

  /** onRequest hook for routes that do work (tenant API, image downloads); probes keep answering. */
  readonly refuseNewWork = async (_request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (this.#draining) throw shuttingDown()
  }
}
