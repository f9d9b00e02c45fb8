// Shapes of the probes: /healthz (alive) and /readyz (ready to store images).
import { Type, type Static } from '@sinclair/typebox'

export const Health = Type.Object({ status: Type.Literal('ok') }, { $id: 'Health', examples: [{ status: 'ok' }] })

// `checks` is open-ended (one entry per dependency) so a new check never gets stripped from the answer.
export const CheckResult = Type.Union([Type.Literal('ok'), Type.Literal('unavailable'), Type.Literal('timeout'), Type.Literal('disk_full')], {
  description: 'ok; unavailable (the dependency refused or failed); timeout (no answer within READY_TIMEOUT_MS); disk_full (storage: less free space than READY_MIN_FREE_BYTES).'
})
export type CheckResult = Static<typeof CheckResult>

export const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('not_ready')], { description: 'degraded: Redis is unreachable and REDIS_FAILURE_POLICY=fail-open, so limits are per process.' }),
  checks: Type.Record(Type.String(), CheckResult, { description: 'Each dependency and its state.' })
}, { $id: 'Readiness', examples: [{ status: 'ready', checks: { storage: 'ok' } }] })
