// Multipart request bodies in the OpenAPI document. Fastify must not validate a multipart body by
// schema (the parts are read and checked as they stream: src/inputs/read-image-form.ts), so a route
// declares its form under an extension key instead, and finishDocument writes the
// `multipart/form-data` request body from the same TypeBox schema the form reader checks the text
// fields against: the document cannot drift from what is accepted.
import type { TObject } from '@sinclair/typebox'

type Json = Record<string, any>

/** The route schema key that carries a form (read and removed by finishDocument). */
export const MULTIPART_FORM = 'x-multipart-form'

export interface FileField {
  description: string
  /** The content types a file may have: the `encoding` of the part (a sniffed check, not a header one). */
  contentTypes: readonly string[]
  /** Several files under this one name (`image[]`): at most this many. Absent: one file. */
  maxFiles?: number
}

export interface MultipartFormSpec {
  /** Its name under components.schemas, e.g. EditForm. */
  name: string
  description: string
  /** The text fields, as the form reader checks them (editRequestSchema, variationRequestSchema). */
  fields: TObject
  files: Record<string, FileField>
  /** The file fields of which at least one must be sent (`image` or `image[]`). */
  requiredFiles: readonly string[]
}

/** Spread into a route schema: the document shows this form as the multipart/form-data body. */
export function multipartForm (spec: MultipartFormSpec): Record<string, unknown> {
  return { [MULTIPART_FORM]: spec }
}

const binary = (description?: string): Json => ({ type: 'string', format: 'binary', ...(description !== undefined ? { description } : {}) })

function fileProperty (field: FileField): Json {
  if (field.maxFiles === undefined) return binary(field.description)
  return { type: 'array', minItems: 1, maxItems: field.maxFiles, description: field.description, items: binary() }
}

/** The form as a schema: the text fields with their types, enums and limits, and the files as binary. */
export function formSchema (spec: MultipartFormSpec): Json {
  // TypeBox schemas carry symbol keys and their own $id/title; a JSON round trip leaves plain JSON Schema.
  const { $id: _id, title: _title, examples: _examples, properties, required = [], ...rest } = JSON.parse(JSON.stringify(spec.fields)) as Json
  const files = Object.fromEntries(Object.entries(spec.files).map(([name, field]) => [name, fileProperty(field)]))
  return {
    ...rest,
    description: spec.description,
    type: 'object',
    required,
    properties: { ...properties, ...files },
    // One of the image fields, whichever the client uses (the SDKs send `image`, or `image[]` for
    // several). Each alternative names its field's type too (openapi-typescript types a bare
    // `required` alternative as unknown), and the anyOf sits in an allOf so that generators
    // intersect it with the fields instead of offering it in their place.
    ...(spec.requiredFiles.length > 1
      ? { allOf: [{ anyOf: spec.requiredFiles.map((name) => ({ type: 'object', required: [name], properties: { [name]: files[name] } })) }] }
      : { required: [...required, ...spec.requiredFiles] })
  }
}

function encoding (spec: MultipartFormSpec): Json {
  return Object.fromEntries(Object.entries(spec.files).map(([name, field]) => [name, { contentType: field.contentTypes.join(', ') }]))
}

/** Adds the operation's multipart/form-data body (beside any JSON one), its schema a named component. */
export function addMultipartBody (operation: Json, schemas: Json): void {
  const spec = operation[MULTIPART_FORM] as MultipartFormSpec | undefined
  delete operation[MULTIPART_FORM]
  if (spec === undefined) return
  const schema = formSchema(spec)
  if (schemas[spec.name] !== undefined && JSON.stringify(schemas[spec.name]) !== JSON.stringify(schema)) {
    throw new Error(`Two different multipart forms are both named ${spec.name}`)
  }
  schemas[spec.name] = schema
  operation.requestBody ??= { required: true, content: {} }
  operation.requestBody.content['multipart/form-data'] = { schema: { $ref: `#/components/schemas/${spec.name}` }, encoding: encoding(spec) }
}
