// The named schemas every app registers (`app.addSchema`): routes point at them with `refTo`, the
// serializer resolves them, and the OpenAPI document lists them under components.schemas.
import { ErrorEnvelope } from './common.js'
import { GenerateResponse, Manifest } from './generation.js'
import { Health, Readiness } from './health.js'
import { GenerationDeleted, GenerationList } from './records.js'
import { UsageResponse } from './usage.js'

export const SHARED_SCHEMAS = [ErrorEnvelope, GenerateResponse, Manifest, GenerationList, GenerationDeleted, UsageResponse, Health, Readiness]
