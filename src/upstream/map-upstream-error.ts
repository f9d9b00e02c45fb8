// Turns whatever the openai SDK threw into the error the gateway's caller should see. Provider
// messages pass through for the caller's own mistakes (400); for our credentials and the provider's
// failures the caller learns what happened, never a secret. Provider text is redacted on the way
// (messages and the cause kept for the log), since providers echo request headers in errors. The
// provider's request id stays on the error for the log (providerRequestId), not for the caller.
import OpenAI from 'openai'
import { GatewayError } from '../errors/gateway-error.js'
import { redactedCause, redactTokenPatterns, type RedactSecrets } from './redact-secrets.js'

export function mapUpstreamError (error: unknown, redact: RedactSecrets = redactTokenPatterns): GatewayError {
  const mapped = toGatewayError(error, redact)
  // The SDK reads the provider's x-request-id into every APIError; it is what the provider's support asks for.
  if (error instanceof OpenAI.APIError) mapped.providerRequestId ??= error.requestID ?? undefined
  return mapped
}

function toGatewayError (error: unknown, redact: RedactSecrets): GatewayError {
  if (error instanceof GatewayError) return error as GatewayError
  // Only a redacted copy travels on as the cause (and into the log): the original may hold the
  // provider's raw body, or a JSON parser's quote of it.
  const cause = redactedCause(error, redact)
  if (error instanceof OpenAI.APIUserAbortError) {
    return new GatewayError('client_closed_request', { cause })
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new GatewayError('upstream_timeout', { cause })
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new GatewayError('upstream_unreachable', { cause })
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    // instanceof narrows to APIError<any, any, any>; the SDK's declared field types are the honest ones.
    return fromStatus(error as InstanceType<typeof OpenAI.APIError>, redact, cause)
  }
  // The SDK parses the body itself; a body that is not JSON surfaces as a SyntaxError.
  return new GatewayError('upstream_malformed_response', { message: 'The image provider sent an answer that could not be read.', cause })
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
    return new GatewayError('upstream_malformed_response', { message: `The image provider answered with a redirect (HTTP ${status}); the gateway does not follow redirects from the provider's API.`, cause: error })
  }
  // The caller's own mistake: the provider's message, param and code pass through (a client may
  // branch on `content_policy_violation`). The code is carried beside ours, not in place of it, so
  // the status still comes from the catalogue and metrics count one bounded code.
  if (status === 400 || status === 422) {
    return new GatewayError('upstream_rejected', {
      providerCode: typeof raw.code === 'string' ? redact(raw.code) : undefined,
      param: typeof raw.param === 'string' ? redact(raw.param) : null,
      message: providerMessage,
      cause: error
    })
  }
  if (status === 401 || status === 403) {
    return new GatewayError('upstream_auth_failed', { cause: error })
  }
  if (status === 429) {
    const retryAfter = raw.headers?.get('retry-after') ?? undefined
    return new GatewayError('upstream_rate_limited', {
      headers: retryAfter !== undefined ? { 'retry-after': retryAfter } : {},
      cause: error
    })
  }
  return new GatewayError('upstream_error', { message: `The image provider failed (HTTP ${status}).`, cause: error })
}
