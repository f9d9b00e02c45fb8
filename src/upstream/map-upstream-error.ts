// Turns whatever the openai SDK threw into the error the gateway's caller should see. Provider
// messages pass through for the caller's own mistakes (400); for our credentials and the provider's
// failures the caller learns what happened, never a secret.
import OpenAI from 'openai'
import { GatewayError, upstreamFailed } from '../errors/gateway-error.js'

export function mapUpstreamError (error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  if (error instanceof OpenAI.APIUserAbortError) {
    return new GatewayError({ status: 499, type: 'server_error', code: 'client_closed_request', message: 'The request was aborted.', cause: error })
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_timeout', message: 'The image provider did not answer in time.', cause: error })
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return upstreamFailed('Could not reach the image provider (connection failed).', 'upstream_unreachable', error)
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    return fromStatus(error)
  }
  // The SDK parses the body itself; a body that is not JSON surfaces as a SyntaxError.
  return upstreamFailed('The image provider sent an answer that could not be read.', 'upstream_malformed_response', error)
}

function fromStatus (error: InstanceType<typeof OpenAI.APIError>): GatewayError {
  const status = error.status ?? 502
  const providerMessage = typeof (error.error as { message?: unknown } | undefined)?.message === 'string'
    ? (error.error as { message: string }).message
    : 'The image provider rejected the request.'
  if (status === 400 || status === 422) {
    return new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: typeof error.code === 'string' ? error.code : 'upstream_rejected',
      param: typeof error.param === 'string' ? error.param : null,
      message: providerMessage,
      cause: error
    })
  }
  if (status === 401 || status === 403) {
    return upstreamFailed('The image provider rejected the gateway\'s credentials; the gateway operator must fix its upstream API key.', 'upstream_auth_failed', error)
  }
  if (status === 429) {
    const retryAfter = error.headers?.get('retry-after') ?? undefined
    return new GatewayError({
      status: 429,
      type: 'rate_limit_error',
      code: 'upstream_rate_limited',
      message: 'The image provider is rate limiting the gateway; retry later.',
      headers: retryAfter !== undefined ? { 'retry-after': retryAfter } : {},
      cause: error
    })
  }
  return upstreamFailed(`The image provider failed (HTTP ${status}).`, 'upstream_error', error)
}
