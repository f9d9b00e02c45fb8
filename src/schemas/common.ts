// Shapes shared by several routes: the OpenAI error envelope, and `refTo`, which points a route's
// schema at a shared (named) schema so the OpenAPI document holds it once.
import { Type, type Static, type TSchema } from '@sinclair/typebox'

export const ErrorEnvelope = Type.Object({
  error: Type.Object({
    message: Type.String({ description: 'What went wrong, in words a person can act on.' }),
    type: Type.String({ description: 'Error family: invalid_request_error, authentication_error, permission_error, not_found_error, rate_limit_error, upstream_error, storage_error, timeout_error, server_error.' }),
    param: Type.Union([Type.String(), Type.Null()], { description: 'The request field or header at fault, if any.' }),
    code: Type.Union([Type.String(), Type.Null()], { description: 'Stable machine-readable code (the README lists them by status).' })
  })
}, {
  $id: 'ErrorEnvelope',
  description: 'OpenAI-style error envelope: every error the gateway answers has this shape.',
  examples: [{ error: { message: 'Invalid API key.', type: 'authentication_error', param: null, code: 'invalid_api_key' } }]
})

export type ErrorEnvelope = Static<typeof ErrorEnvelope>

/** A reference to a schema registered with `app.addSchema`, typed as the schema it names. */
export function refTo<T extends TSchema> (schema: T, options: Record<string, unknown> = {}) {
  if (schema.$id === undefined) throw new Error('refTo needs a schema with an $id')
  return Type.Unsafe<Static<T>>({ ...options, $ref: schema.$id })
}
