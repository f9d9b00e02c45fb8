// Request validation with TypeBox's compiler: bodies are checked strictly (no type coercion, unknown
// fields rejected), query strings and params are converted first. The first error is described in
// words a caller can act on, naming the field, OpenAI-style.
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler'
import { Value } from '@sinclair/typebox/value'
import type { FastifySchemaCompiler } from 'fastify'

export interface FieldError {
  instancePath: string
  param: string | null
  message: string
}

export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema)
  return (input: unknown) => {
    const value = httpPart === 'body' ? input : Value.Convert(schema, input)
    if (check.Check(value)) return { value }
    const first = check.Errors(value).First()
    const fieldError = first === undefined ? { instancePath: '', param: null, message: 'Invalid request.' } : describe(first, httpPart)
    return { error: [fieldError] as never }
  }
}

/**
 * The first error of a value against a schema, worded as a JSON body's would be (multipart form
 * fields are checked with it after conversion, so both forms of a request fail alike).
 */
export function firstFieldError (schema: TSchema, value: unknown): FieldError | undefined {
  const first = Value.Errors(schema, value).First()
  return first === undefined ? undefined : describe(first, 'body')
}

function describe (error: ValueError, httpPart: string | undefined): FieldError {
  const param = error.path.replace(/^\//, '').replace(/\//g, '.') || null
  const where = httpPart === 'body' || httpPart === undefined ? 'parameter' : `${httpPart} parameter`
  if (param === null) {
    return { instancePath: error.path, param, message: httpPart === 'body' ? 'The request body must be a JSON object.' : error.message }
  }
  if (error.value === undefined && error.message.startsWith('Expected required')) {
    return { instancePath: error.path, param, message: `Missing required ${where}: '${param}'.` }
  }
  if (error.message.startsWith('Unexpected property')) {
    return { instancePath: error.path, param, message: `Unrecognized request argument supplied: ${param}` }
  }
  return { instancePath: error.path, param, message: `Invalid value for '${param}': ${expectation(error.schema) ?? error.message}.` }
}

function expectation (schema: TSchema): string | undefined {
  if (Array.isArray(schema.anyOf) && schema.anyOf.every((member: TSchema) => member.const !== undefined)) {
    return `expected one of ${schema.anyOf.map((member: TSchema) => `'${String(member.const)}'`).join(', ')}`
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    const kind = schema.type === 'integer' ? 'an integer' : 'a number'
    if (schema.minimum !== undefined && schema.maximum !== undefined) return `expected ${kind} from ${schema.minimum} to ${schema.maximum}`
    if (schema.minimum !== undefined) return `expected ${kind} of at least ${schema.minimum}`
    return `expected ${kind}`
  }
  if (schema.type === 'string') {
    if (schema.description !== undefined && schema.pattern !== undefined) return `expected ${schema.description.replace(/\.$/, '')}`
    if (schema.minLength !== undefined && schema.maxLength !== undefined) return `expected a string of ${schema.minLength} to ${schema.maxLength} characters`
    if (schema.maxLength !== undefined) return `expected a string of at most ${schema.maxLength} characters`
    if (schema.minLength !== undefined) return 'expected a non-empty string'
    return 'expected a string'
  }
  if (schema.type === 'boolean') return 'expected a boolean'
  return undefined
}
