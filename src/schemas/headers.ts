// HTTP headers of the contract, as TypeBox schemas: the request headers a caller may send and the
// response headers the gateway answers with. The OpenAPI document is built from these.
import { Type } from '@sinclair/typebox'

export const IdempotencyKey = Type.String({
  pattern: '^[\\x21-\\x7e]{1,255}$',
  description: 'Makes a generation safe to retry: a second request with the same key and body (within IDEMPOTENCY_TTL_HOURS) answers the first one\'s stored result without calling the provider again. 1 to 255 visible ASCII characters; per tenant.',
  examples: ['order-4711-cover-image']
})

/** Response headers, by name. Every response carries x-request-id. */
export const ResponseHeaders = {
  'x-request-id': Type.String({ description: 'The request id: the caller\'s own x-request-id when it is 1 to 128 characters of [A-Za-z0-9._:-], else a fresh UUID. Logged with every line about the request.' }),
  'x-ratelimit-limit': Type.Integer({ description: 'Requests the tenant may make per window.' }),
  'x-ratelimit-remaining': Type.Integer({ description: 'Requests left in the current window.' }),
  'x-ratelimit-reset': Type.Integer({ description: 'Seconds until the current window resets.' }),
  'retry-after': Type.String({ description: 'Seconds to wait before retrying (as the provider sent it, when it is the provider that rate-limits).' }),
  'x-should-retry': Type.Literal('false', { description: 'Sent when retrying cannot help soon (a used-up daily quota, a reused Idempotency-Key); the OpenAI SDKs then do not retry.' }),
  'idempotent-replayed': Type.Literal('true', { description: 'The answer is the stored result of an earlier request with the same Idempotency-Key.' }),
  'www-authenticate': Type.Literal('Bearer', { description: 'The authentication scheme to use.' }),
  'accept-encoding': Type.Literal('identity', { description: 'Request bodies are read uncompressed only (RFC 7694).' }),
  etag: Type.String({ description: 'Strong ETag: the image\'s sha256 in quotes.' }),
  'cache-control': Type.String({ description: 'Images are immutable: public, max-age=31536000, immutable.' }),
  'accept-ranges': Type.Literal('bytes', { description: 'Byte ranges are supported.' }),
  'content-length': Type.Integer({ description: 'Bytes in the body (or that a GET would send, for HEAD).' }),
  'content-range': Type.String({ description: 'The range sent (bytes start-end/size), or bytes */size when the range cannot be satisfied.' }),
  location: Type.String({ description: 'A presigned URL of the object, valid PRESIGN_TTL_SECONDS.' })
}

export type ResponseHeaderName = keyof typeof ResponseHeaders
