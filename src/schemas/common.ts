// Shapes shared by several routes: the OpenAI error envelope.
import { Type, type Static } from '@sinclair/typebox'

export const ErrorEnvelope = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    param: Type.Union([Type.String(), Type.Null()]),
    code: Type.Union([Type.String(), Type.Null()])
  })
}, { $id: 'ErrorEnvelope', description: 'OpenAI-style error envelope.' })

export type ErrorEnvelope = Static<typeof ErrorEnvelope>
