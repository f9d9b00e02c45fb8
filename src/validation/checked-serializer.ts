// A serializer factory for tests: Fastify's own (fast-json-stringify), plus a check that the
// response schema did not drop or change anything the handler answered. A schema that strips a
// field fails the request loudly instead of silently shortening the contract.
import { isDeepStrictEqual } from 'node:util'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'

type SerializerFactory = ReturnType<typeof SerializerSelector>

export function checkedSerializerFactory (): SerializerFactory {
  const fastJsonStringify = SerializerSelector()
  return (externalSchemas, options) => {
    const compile = fastJsonStringify(externalSchemas, options)
    return (route) => {
      const serialize = compile(route)
      return (answer: unknown) => {
        const json = serialize(answer)
        const sent: unknown = JSON.parse(json)
        const meant: unknown = JSON.parse(JSON.stringify(answer) ?? 'null')
        if (!isDeepStrictEqual(sent, meant)) {
          throw new Error(`The ${route.httpStatus} response schema of ${route.method} ${route.url} changed the answer: sent ${json.slice(0, 300)} instead of ${JSON.stringify(meant).slice(0, 300)}`)
        }
        return json
      }
    }
  }
}
