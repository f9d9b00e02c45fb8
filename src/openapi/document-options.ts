// The OpenAPI document's fixed parts (info, tags, security schemes) and the @fastify/swagger
// options that build the rest from the routes' own schemas.
import type { SwaggerOptions } from '@fastify/swagger'
import { finishDocument } from './finish-document.js'

/** Version of the HTTP contract (not of the package): bump it when the contract changes. */
export const API_VERSION = '1.0.0'

export const TAGS = [
  { name: 'generate', description: "Generate images: OpenAI's images.generate, answered with durable links." },
  { name: 'images', description: 'Stored images, by their durable links.' },
  { name: 'generations', description: "The calling tenant's stored generations." },
  { name: 'usage', description: "The calling tenant's limits and what is used of them." },
  { name: 'operations', description: 'Probes, metrics and this document.' }
]

export function swaggerOptions (serverUrl: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Image Gateway',
        version: API_VERSION,
        description: "OpenAI-compatible image generation with tenant API keys, per-tenant limits and durable image links. POST /v1/images/generations takes OpenAI's images.generate parameters, so the OpenAI SDKs work with baseURL set to this server's /v1. Every error is OpenAI's envelope; every answer carries x-request-id.",
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' }
      },
      servers: [serverUrl === '/'
        ? { url: '/', description: 'The server this document is served from.' }
        // The variable's meaning is in the server's description: a server variable `description`
        // fails swagger-cli's bundled OpenAPI 3.1 schema (`must NOT have unevaluated properties`).
        : { url: '{gateway}', description: 'The gateway; {gateway} is its base URL (PUBLIC_BASE_URL).', variables: { gateway: { default: serverUrl } } }],
      tags: TAGS,
      security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'The tenant API key: `Authorization: Bearer <key>` (what the OpenAI SDKs send).' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The tenant API key in an x-api-key header, for clients that cannot set Authorization.' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for /metrics only, when the gateway is configured with one.' }
        }
      }
    },
    refResolver: {
      // Shared schemas keep their own names in components.schemas (ErrorEnvelope, Manifest, ...).
      buildLocalReference: (json, _baseUri, _fragment, index) => typeof json.$id === 'string' ? json.$id : `def-${index}`
    },
    transformObject: (documentObject) => 'openapiObject' in documentObject ? finishDocument(documentObject.openapiObject) : documentObject.swaggerObject
  }
}
