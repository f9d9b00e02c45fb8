// Schema clean-ups for the OpenAPI document: TypeBox writes a union of literals as anyOf of
// single-value enums (or consts, in schemas @fastify/swagger did not convert: the multipart forms),
// which generators turn into clumsy types; one enum says the same thing.
type Json = Record<string, any>

function collapseLiteralUnion (schema: Json): void {
  const members = schema.anyOf
  if (!Array.isArray(members) || members.length === 0) return
  const literal = (member: Json) => member.type === 'string' && Object.keys(member).length === 2 &&
    ((Array.isArray(member.enum) && member.enum.length === 1) || typeof member.const === 'string')
  if (!members.every(literal)) return
  delete schema.anyOf
  schema.type = 'string'
  schema.enum = members.map((member: Json) => member.const ?? member.enum[0])
}

/** Walks every schema object in a document (or part of one) and tidies it in place. */
export function tidySchemas (node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) tidySchemas(item)
    return
  }
  if (node === null || typeof node !== 'object') return
  const object = node as Json
  collapseLiteralUnion(object)
  for (const value of Object.values(object)) tidySchemas(value)
}
