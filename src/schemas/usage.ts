// Shape of GET /v1/usage: the calling tenant's limits and what is used of them right now.
import { Type } from '@sinclair/typebox'

const Window = Type.Object({
  used: Type.Integer(),
  limit: Type.Integer(),
  remaining: Type.Integer(),
  reset_seconds: Type.Integer({ description: 'Seconds until the window resets.' })
})

export const UsageResponse = Type.Object({
  tenant: Type.String(),
  requests: Window,
  images: Type.Object({ minute: Window, day: Window }, { description: 'Image quotas: the calendar minute and the UTC day.' }),
  in_flight: Type.Object({ used: Type.Integer(), limit: Type.Integer() }, { description: 'Generations running now.' })
}, { $id: 'Usage' })
