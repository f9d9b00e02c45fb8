// Node's 'clientError' handler: the connection-level failures (a request Node cannot parse, headers
// over the size limit, a request not received within HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS) are
// answered in the OpenAI envelope, then the connection is closed. No route or hook runs for them.
import { randomUUID } from 'node:crypto'
import { STATUS_CODES, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { parserErrorCode } from './parser-error-code.js'

export function answerClientError (error: Error & { code?: string }, socket: Socket, log: FastifyBaseLogger): void {
  // The peer is gone: there is nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const gatewayError = new GatewayError(parserErrorCode(error.code ?? ''))
  const requestId = randomUUID()
  // The address and port match the "incoming request" line when a request was under way.
  log.info({ reqId: requestId, status: gatewayError.status, code: gatewayError.code, nodeCode: error.code, remoteAddress: socket.remoteAddress, remotePort: socket.remotePort }, 'connection rejected')
  // As Node itself does: never write over an answer that has already started on this socket.
  const answerInProgress = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true
  if (!socket.writable || answerInProgress) {
    socket.destroy()
    return
  }
  const body = JSON.stringify(gatewayError.envelope())
  const headers = [
    `HTTP/1.1 ${gatewayError.status} ${STATUS_CODES[gatewayError.status] ?? ''}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-request-id: ${requestId}`,
    'connection: close'
  ]
  // The rest of what the client sends is never read: close once the answer is flushed.
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy())
}
