// Shapes of the generation records API (GET/DELETE /v1/generations).
import { Type } from '@sinclair/typebox'
import { refTo } from './common.js'
import { Manifest } from './generation.js'

export const GenerationIdParams = Type.Object({
  id: Type.String({ maxLength: 64, description: 'Generation id, as answered by POST /generate.' })
})

export const ListGenerationsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  after: Type.Optional(Type.String({ maxLength: 64, description: 'Cursor: the last id of the previous page.' }))
}, { additionalProperties: false })

export const GenerationList = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(refTo(Manifest)),
  first_id: Type.Union([Type.String(), Type.Null()]),
  last_id: Type.Union([Type.String(), Type.Null()]),
  has_more: Type.Boolean()
}, { $id: 'GenerationList' })

export const GenerationDeleted = Type.Object({
  id: Type.String(),
  object: Type.Literal('generation.deleted'),
  deleted: Type.Literal(true)
}, { $id: 'GenerationDeleted' })
