// Last pass over the document @fastify/swagger built from the routes: shared headers and error
// answers become components referenced by $ref (so a client sees one ErrorEnvelope answer per
// status, with examples by code), every answer names x-request-id, request headers the
// handlers check themselves (Idempotency-Key) are declared where a route asks for them, and so are
// the bodies Fastify does not see by schema: multipart forms and streamed (text/event-stream) answers.
import { IdempotencyKey, ResponseHeaders } from '../schemas/headers.js'
import { ERROR_RESPONSES, type ErrorResponseSpec } from './error-responses.js'
import { addEventStreamAnswer } from './event-stream-body.js'
import { addMultipartBody } from './multipart-body.js'
import { tidySchemas } from './tidy-schemas.js'

type Json = Record<string, any>

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
const ENVELOPE_REF = '#/components/schemas/ErrorEnvelope'
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` })

/** Route schemas set this key to declare that they accept an Idempotency-Key header. */
export const ACCEPTS_IDEMPOTENCY_KEY = 'x-accepts-idempotency-key'
/** Spread into a route schema (Fastify's schema type has no room for extension keys). */
export const acceptsIdempotencyKey: Record<string, unknown> = { [ACCEPTS_IDEMPOTENCY_KEY]: true }

// TypeBox schemas carry symbol keys; a JSON round trip leaves the plain JSON Schema.
const plain = (schema: unknown): Json => JSON.parse(JSON.stringify(schema)) as Json

function headerObject (schema: unknown): Json {
  const { description, examples, ...rest } = plain(schema)
  return { description, schema: rest, ...(Array.isArray(examples) ? { example: examples[0] } : {}) }
}

function errorResponse (spec: ErrorResponseSpec): Json {
  return {
    description: spec.description,
    headers: Object.fromEntries(['x-request-id', ...spec.headers].map((name) => [name, headerRef(name)])),
    content: {
      'application/json': {
        schema: { $ref: ENVELOPE_REF },
        examples: Object.fromEntries(Object.entries(spec.examples).map(([code, example]) => [code, {
          summary: code,
          value: { error: { message: example.message, type: example.type, param: example.param ?? null, code: example.code } }
        }]))
      }
    }
  }
}

function finishResponse (status: string, response: Json): Json {
  const shared = (ERROR_RESPONSES as Record<string, ErrorResponseSpec>)[status]
  if (shared !== undefined && response.content?.['application/json']?.schema?.$ref === ENVELOPE_REF) {
    return { $ref: `#/components/responses/${shared.name}` }
  }
  const headers: Json = { 'x-request-id': headerRef('x-request-id') }
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    headers[name] = name in ResponseHeaders ? headerRef(name) : header
  }
  return { ...response, headers }
}

// A request body with a title (GenerateRequest) becomes a named schema, shared by every route that takes it.
function hoistTitledBody (operation: Json, schemas: Json): void {
  const media = operation.requestBody?.content?.['application/json']
  const title = media?.schema?.title
  if (typeof title !== 'string') return
  const { title: _title, ...schema } = media.schema
  if (schemas[title] !== undefined && JSON.stringify(schemas[title]) !== JSON.stringify(schema)) {
    throw new Error(`Two different request bodies are both named ${title}`)
  }
  schemas[title] = schema
  media.schema = { $ref: `#/components/schemas/${title}` }
}

function finishOperation (operation: Json): void {
  const parameters: Json[] = [...(operation.parameters ?? []), { $ref: '#/components/parameters/RequestId' }]
  if (operation[ACCEPTS_IDEMPOTENCY_KEY] === true) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' })
  delete operation[ACCEPTS_IDEMPOTENCY_KEY]
  operation.parameters = parameters
  operation.responses = Object.fromEntries(Object.entries(operation.responses ?? {}).map(([status, response]) => [status, finishResponse(status, response as Json)]))
}

// Paths in the order of their tags (the document's reading order), then as the routes were registered.
function sortPaths (paths: Json, tags: Array<{ name: string }>): Json {
  const tagRank = (pathItem: Json) => {
    const operation = HTTP_METHODS.map((method) => pathItem[method]).find((candidate) => candidate !== undefined)
    const rank = tags.findIndex((tag) => tag.name === operation?.tags?.[0])
    return rank === -1 ? tags.length : rank
  }
  return Object.fromEntries(Object.entries(paths).sort(([, a], [, b]) => tagRank(a as Json) - tagRank(b as Json)))
}

export function finishDocument<T> (document: T): T {
  const openapi = document as Json
  openapi.components ??= {}
  openapi.components.schemas ??= {}
  for (const pathItem of Object.values<Json>(openapi.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      if (pathItem[method] === undefined) continue
      finishOperation(pathItem[method])
      hoistTitledBody(pathItem[method], openapi.components.schemas)
      addMultipartBody(pathItem[method], openapi.components.schemas)
      addEventStreamAnswer(pathItem[method], openapi.components.schemas)
    }
  }
  openapi.paths = sortPaths(openapi.paths ?? {}, openapi.tags ?? [])
  tidySchemas(openapi.components.schemas)
  tidySchemas(openapi.paths)
  const { description: idempotencyDescription, examples: idempotencyExamples, ...idempotencySchema } = plain(IdempotencyKey)
  openapi.components = {
    ...openapi.components,
    parameters: {
      RequestId: {
        name: 'x-request-id',
        in: 'header',
        required: false,
        description: 'Your own request id (1 to 128 characters of [A-Za-z0-9._:-]); echoed in the answer and the logs. Anything else is replaced by a fresh UUID.',
        schema: { type: 'string', maxLength: 128 }
      },
      IdempotencyKey: { name: 'Idempotency-Key', in: 'header', required: false, description: idempotencyDescription, schema: idempotencySchema, example: idempotencyExamples[0] }
    },
    headers: Object.fromEntries(Object.entries(ResponseHeaders).map(([name, schema]) => [name, headerObject(schema)])),
    responses: Object.fromEntries(Object.values(ERROR_RESPONSES).map((spec) => [spec.name, errorResponse(spec)]))
  }
  // The reading order: what it is, where, how to authenticate, then the operations and their parts.
  const { openapi: version, info, servers, security, tags, paths, components, ...rest } = openapi
  return { openapi: version, info, servers, security, tags, paths, components, ...rest } as T
}
