// Shapes of the generation records API (GET/DELETE /v1/generations).
import { Type } from '@sinclair/typebox'
import { GENERATION_ID } from '../storage/object-keys.js'
import { refTo } from './common.js'
import { Manifest } from './generation.js'

export const GenerationIdParams = Type.Object({
  id: Type.String({ maxLength: 64, description: 'Generation id, as answered by POST /generate.' })
})

export const ListGenerationsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  // A cursor that is not a generation id is a 400 naming `after`: an empty page would tell the
  // client it had seen everything.
  after: Type.Optional(Type.String({ pattern: GENERATION_ID.source, description: 'the last_id of the previous page (a generation id: gen_ and 36 lowercase hex digits)' }))
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
