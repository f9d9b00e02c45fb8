// Shapes of the probes: /healthz (alive) and /readyz (ready to store images).
import { Type } from '@sinclair/typebox'

export const Health = Type.Object({ status: Type.Literal('ok') }, { $id: 'Health', examples: [{ status: 'ok' }] })

// `checks` is open-ended (one entry per dependency) so a new check never gets stripped from the answer.
export const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('not_ready')], { description: 'degraded: Redis is unreachable and REDIS_FAILURE_POLICY=fail-open, so limits are per process.' }),
  checks: Type.Record(Type.String(), Type.String(), { description: 'Each dependency and its state (ok, unavailable).' })
}, { $id: 'Readiness', examples: [{ status: 'ready', checks: { storage: 'ok' } }] })
