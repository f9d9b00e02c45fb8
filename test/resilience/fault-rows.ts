// The rows of the upstream fault matrix (test/resilience/fault-matrix.test.ts): each is one way a
// provider fails and what the caller must see. Kept apart so a regression test can check the rows.
import type { SimulatorFault } from '../../src/simulator/index.js'

/**
 * Retried HTTP answers carry `retry-after-ms`, which the openai SDK obeys instead of its own
 * backoff (0.5 s, 1 s, … with jitter): the matrix tests that retries happen, not how long they wait.
 * Connection failures (refused, reset) have no answer to carry it, so those rows still back off.
 */
export const RETRY_AFTER_MS = 10

export interface FaultRow {
  name: string
  fault?: SimulatorFault
  /** Closed port instead of the simulator. */
  refused?: boolean
  status: number
  code: string
  attempts: number
  env?: Record<string, string>
  headers?: Record<string, string>
}

export const faultRows: FaultRow[] = [
  { name: '500', fault: { kind: 'status', status: 500, retryAfterMs: RETRY_AFTER_MS }, status: 502, code: 'upstream_error', attempts: 3 },
  { name: '502', fault: { kind: 'status', status: 502, retryAfterMs: RETRY_AFTER_MS }, status: 502, code: 'upstream_error', attempts: 3 },
  { name: '503', fault: { kind: 'status', status: 503, retryAfterMs: RETRY_AFTER_MS }, status: 502, code: 'upstream_error', attempts: 3 },
  { name: '429 with retry-after', fault: { kind: 'status', status: 429, retryAfterSeconds: 1, retryAfterMs: RETRY_AFTER_MS, code: 'rate_limit_exceeded' }, status: 429, code: 'upstream_rate_limited', attempts: 3, headers: { 'retry-after': '1' } },
  { name: 'connect refused', refused: true, status: 502, code: 'upstream_unreachable', attempts: 3 },
  { name: 'reset before answering', fault: { kind: 'reset' }, status: 502, code: 'upstream_unreachable', attempts: 3 },
  { name: 'reset mid-body', fault: { kind: 'reset-mid-body' }, status: 502, code: 'upstream_malformed_response', attempts: 1 },
  { name: 'slow body past the deadline', fault: { kind: 'slow-body', chunkDelayMs: 100 }, status: 504, code: 'upstream_deadline', attempts: 1, env: { UPSTREAM_DEADLINE_MS: '1500' } },
  { name: 'malformed JSON', fault: { kind: 'malformed-json' }, status: 502, code: 'upstream_malformed_response', attempts: 1 },
  { name: 'truncated base64', fault: { kind: 'truncated-base64' }, status: 502, code: 'upstream_invalid_image', attempts: 1 },
  { name: 'non-image bytes', fault: { kind: 'non-image' }, status: 502, code: 'upstream_invalid_image', attempts: 1 },
  { name: 'URL download 404', fault: { kind: 'url-404' }, status: 502, code: 'upstream_download_failed', attempts: 1 },
  { name: 'zero images', fault: { kind: 'zero-images' }, status: 502, code: 'upstream_no_images', attempts: 1 },
  { name: '401 from upstream', fault: { kind: 'status', status: 401, code: 'invalid_api_key' }, status: 502, code: 'upstream_auth_failed', attempts: 1 }
]
