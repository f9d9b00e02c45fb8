// One error family for the whole gateway: every failure that reaches a caller is a GatewayError,
// rendered by one handler into the OpenAI error envelope.

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'storage_error'
  | 'timeout_error'
  | 'server_error'

export interface GatewayErrorOptions {
  status: number
  type: ErrorType
  code: string
  message: string
  param?: string | null
  headers?: Record<string, string>
  cause?: unknown
}

export class GatewayError extends Error {
  readonly status: number
  readonly type: ErrorType
  readonly code: string
  readonly param: string | null
  readonly headers: Record<string, string>
  /**
   * The provider's id for the call that failed (its x-request-id), set by upstream/ where it is
   * known: for the log and the provider's support, never sent to the caller.
   */
  providerRequestId?: string

  constructor (options: GatewayErrorOptions) {
    super(options.message, { cause: options.cause })
    this.name = 'GatewayError'
    this.status = options.status
    this.type = options.type
    this.code = options.code
    this.param = options.param ?? null
    this.headers = options.headers ?? {}
  }
}

export function invalidRequest (message: string, param: string | null, code = 'invalid_value'): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', code, message, param })
}

export function notFound (message = 'Not found.'): GatewayError {
  return new GatewayError({ status: 404, type: 'not_found_error', code: 'not_found', message })
}

/**
 * A generation whose stored manifest fails its schema: it exists, but nothing of it is served. A 404
 * like a missing one, with its own code so an operator can tell data damage from a wrong id.
 */
export function generationUnreadable (): GatewayError {
  return new GatewayError({ status: 404, type: 'not_found_error', code: 'generation_unreadable', message: 'This generation\'s stored record is unreadable; it is not served. The gateway operator has been notified in its logs.' })
}

export function unauthorized (message: string, code = 'invalid_api_key'): GatewayError {
  return new GatewayError({ status: 401, type: 'authentication_error', code, message })
}

export function upstreamFailed (message: string, code = 'upstream_error', cause?: unknown): GatewayError {
  return new GatewayError({ status: 502, type: 'upstream_error', code, message, cause })
}

// Storage outages are usually short (a bucket failing over, a disk being freed): tell clients to
// come back soon rather than leave them to guess or to retry at once.
const STORAGE_RETRY_AFTER_SECONDS = '5'

export function storageUnavailable (message: string, cause?: unknown): GatewayError {
  return new GatewayError({ status: 503, type: 'storage_error', code: 'storage_unavailable', message, cause, headers: { 'retry-after': STORAGE_RETRY_AFTER_SECONDS } })
}
