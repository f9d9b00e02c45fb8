// Settings of the stand-alone simulator (`npm run simulator`), validated like the gateway's own.
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ConfigError } from './load-config.js'

export const SimulatorEnvSchema = Type.Object({
  SIM_HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface the simulator listens on.' }),
  SIM_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4010, description: 'Port the simulator listens on.' }),
  SIM_API_KEY: Type.Optional(Type.String({ minLength: 1, description: 'When set, callers must send Authorization: Bearer <key>.' })),
  SIM_URL_TTL_SECONDS: Type.Integer({ minimum: 1, default: 3600, description: 'Lifetime of the image URLs it answers with.' }),
  SIM_LATENCY_MS: Type.Integer({ minimum: 0, default: 0, description: 'Delay before every answer.' }),
  SIM_IMAGE_KIND: Type.Union([Type.Literal('pattern'), Type.Literal('noise')], { default: 'pattern', description: 'pattern (compressible) or noise (incompressible).' }),
  SIM_CACHE_ANSWERS: Type.Boolean({ default: false, description: 'Reuse the encoded answer to an identical base64 request within the same second (benchmarks).' }),
  SIM_STREAMING: Type.Union([Type.Literal('supported'), Type.Literal('ignored'), Type.Literal('rejected')], { default: 'supported', description: 'How `stream` is taken: streamed as OpenAI does, ignored (plain JSON), or rejected (400).' }),
  SIM_STREAM_GAP_MS: Type.Integer({ minimum: 0, default: 0, description: 'Pause between the events of a streamed answer.' })
})

export type SimulatorEnv = Static<typeof SimulatorEnvSchema>

export function parseSimulatorEnv (source: Record<string, string | undefined>): SimulatorEnv {
  const picked: Record<string, string> = {}
  for (const name of Object.keys(SimulatorEnvSchema.properties)) {
    const raw = source[name]
    if (raw !== undefined && raw !== '') picked[name] = raw
  }
  const value = Value.Default(SimulatorEnvSchema, Value.Convert(SimulatorEnvSchema, { ...picked }))
  const firstError = Value.Errors(SimulatorEnvSchema, value).First()
  if (firstError !== undefined) {
    const name = firstError.path.replace(/^\//, '')
    throw new ConfigError(`Invalid environment variable ${name}=${JSON.stringify(picked[name] ?? '')}: ${firstError.message}`)
  }
  return value as SimulatorEnv
}
