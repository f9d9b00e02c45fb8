// The Idempotency-Key header of the image calls, checked here rather than by a header schema so the
// error names the header as the SDKs send it (docs/architecture.md).
import { Value } from '@sinclair/typebox/value'
import { GatewayError } from '../errors/gateway-error.js'
import { IdempotencyKey } from '../schemas/headers.js'

export function idempotencyKeyOf (header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  if (typeof header !== 'string' || !Value.Check(IdempotencyKey, header)) {
    throw new GatewayError('invalid_value', { message: 'Idempotency-Key must be 1 to 255 visible ASCII characters.', param: 'Idempotency-Key' })
  }
  return header
}
