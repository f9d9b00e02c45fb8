// Helpers for routes to declare their answers: the success body with its headers, and the error
// statuses they can send (each the OpenAI envelope). Fastify serializes with these schemas and the
// OpenAPI document is built from them, so what is documented is what is sent.
import type { TSchema } from '@sinclair/typebox'
import { ErrorEnvelope, refTo } from '../schemas/common.js'
import { ResponseHeaders, type ResponseHeaderName } from '../schemas/headers.js'
import { ERROR_RESPONSES, type ErrorStatus } from './error-responses.js'

/** Headers every answer of an authenticated, rate-limited route carries. */
export const RATE_LIMIT_HEADERS: ResponseHeaderName[] = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']

export function headersNamed (names: ResponseHeaderName[]): Record<string, TSchema> {
  return Object.fromEntries(names.map((name) => [name, ResponseHeaders[name]]))
}

/** A documented answer: its body schema (or a shared schema via refTo), description and headers. */
export function answer (schema: TSchema, description: string, headers: ResponseHeaderName[] = []): TSchema {
  return { ...schema, description, headers: headersNamed(headers) }
}

/** An answer without a body (304, 416, redirects). */
export function emptyAnswer (description: string, headers: ResponseHeaderName[] = []): Record<string, unknown> {
  return { type: 'null', description, headers: headersNamed(headers) }
}

/** The error statuses a route can send, each as the OpenAI envelope. */
export function errorAnswers (...statuses: ErrorStatus[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, refTo(ErrorEnvelope, { description: ERROR_RESPONSES[status].description })]))
}
