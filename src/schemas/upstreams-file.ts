// The upstreams file (UPSTREAMS_FILE, YAML or JSON): named providers and which of them serve a
// model, in order of preference. Keys are named by environment variable, never written here.
import { Type, type Static } from '@sinclair/typebox'

const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' })

export const UpstreamEntrySchema = Type.Object({
  name: Name,
  baseUrl: Type.String({ pattern: '^https?://[^\\s]+$' }),
  apiKeyEnv: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Name of the environment variable holding this provider\'s key.' })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  responseFormat: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('b64_json'), Type.Literal('url'), Type.Literal('omit')])),
  downloadHosts: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  stream: Type.Optional(Type.Boolean({ description: 'Whether the provider can stream partial images (default true); false: streamed requests are sent to it plainly.' }))
}, { additionalProperties: false })

export const RouteSchema = Type.Object({
  model: Type.String({ minLength: 1, description: 'A model name callers ask for, or "*" for any other.' }),
  targets: Type.Array(Type.Object({
    upstream: Name,
    model: Type.Optional(Type.String({ minLength: 1, description: 'Model name at this upstream; default: the one asked for.' }))
  }, { additionalProperties: false }), { minItems: 1 })
}, { additionalProperties: false })

export const UpstreamsFileSchema = Type.Object({
  upstreams: Type.Array(UpstreamEntrySchema, { minItems: 1 }),
  routes: Type.Array(RouteSchema, { minItems: 1 })
}, { additionalProperties: false })

export type UpstreamsFile = Static<typeof UpstreamsFileSchema>
