// Turns whatever the openai SDK threw into the error the gateway's caller should see. Provider
// messages pass through for the caller's own mistakes (400); for our credentials and the provider's
// failures the caller learns what happened, never a secret. Provider text is redacted on the way
// (messages and the cause kept for the log), since providers echo request headers in errors.
import OpenAI from 'openai'
import { GatewayError, upstreamFailed } from '../errors/gateway-error.js'
import { redactedCause, redactTokenPatterns, type RedactSecrets } from './redact-secrets.js'

export function mapUpstreamError (error: unknown, redact: RedactSecrets = redactTokenPatterns): GatewayError {
  if (error instanceof GatewayError) return error
  // Only a redacted copy travels on as the cause (and into the log): the original may hold the
  // provider's raw body, or a JSON parser's quote of it.
  const cause = redactedCause(error, redact)
  if (error instanceof OpenAI.APIUserAbortError) {
    return new GatewayError({ status: 499, type: 'server_error', code: 'client_closed_request', message: 'The request was aborted.', cause })
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_timeout', message: 'The image provider did not answer in time.', cause })
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return upstreamFailed('Could not reach the image provider (connection failed).', 'upstream_unreachable', cause)
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    // instanceof narrows to APIError<any, any, any>; the SDK's declared field types are the honest ones.
    return fromStatus(error as InstanceType<typeof OpenAI.APIError>, redact, cause)
  }
  // The SDK parses the body itself; a body that is not JSON surfaces as a SyntaxError.
  return upstreamFailed('The image provider sent an answer that could not be read.', 'upstream_malformed_response', cause)
}

function fromStatus (raw: InstanceType<typeof OpenAI.APIError>, redact: RedactSecrets, error: Error | undefined): GatewayError {
  const status = raw.status ?? 502
  const providerBody: unknown = raw.error
  const providerMessage = typeof providerBody === 'object' && providerBody !== null && 'message' in providerBody && typeof providerBody.message === 'string'
    ? redact(providerBody.message)
    : 'The image provider rejected the request.'
  // The API call follows no redirects (undici-fetch.ts): a 3xx would send the prompt, with our
  // key, to wherever the provider points. A provider that redirects the API is misbehaving.
  if (status >= 300 && status < 400) {
    return upstreamFailed(`The image provider answered with a redirect (HTTP ${status}); the gateway does not follow redirects from the provider's API.`, 'upstream_malformed_response', error)
  }
  if (status === 400 || status === 422) {
    return new GatewayError({
      status: 400,
      type: 'invalid_request_error',
      code: typeof raw.code === 'string' ? redact(raw.code) : 'upstream_rejected',
      param: typeof raw.param === 'string' ? redact(raw.param) : null,
      message: providerMessage,
      cause: error
    })
  }
  if (status === 401 || status === 403) {
    return upstreamFailed('The image provider rejected the gateway\'s credentials; the gateway operator must fix its upstream API key.', 'upstream_auth_failed', error)
  }
  if (status === 429) {
    const retryAfter = raw.headers?.get('retry-after') ?? undefined
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
