// Human durations ("1 minute", "30s", 5000) to milliseconds, as @fastify/rate-limit reads them.
import { parse } from '@lukeed/ms'

export function durationMs (value: string | number): number {
  if (typeof value === 'number') return value
  const trimmed = value.trim()
  const parsed = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : parse(trimmed.replace(/\s+/g, ' '))
  if (parsed === undefined || !Number.isFinite(parsed) || parsed <= 0) throw new Error(`not a duration: ${JSON.stringify(value)}`)
  return parsed
}
