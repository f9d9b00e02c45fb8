// The real Redis for tests, from REDIS_URL. Each test gets its own random key prefix and every key
// under it is deleted (SCAN + DEL) when the test ends, so other users of the same Redis are left
// alone. Without REDIS_URL, files skip with a printed reason.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Teardown } from './temp-dir.js'

export const REDIS_URL = process.env.REDIS_URL

export const SKIP_REASON = 'REDIS_URL is not set; export REDIS_URL=redis://127.0.0.1:6379 to run the Redis tests (CI sets it)'

/** Plans zero tests with the reason when REDIS_URL is unset; returns whether Redis tests can run. */
export function redisAvailable (t: { plan(count: number, comment?: string): void, comment(message: string): void }): boolean {
  if (REDIS_URL !== undefined && REDIS_URL !== '') return true
  t.comment(`skipped: ${SKIP_REASON}`)
  t.plan(0, SKIP_REASON)
  return false
}

export interface TestRedis {
  url: string
  /** Key prefix for this test, e.g. `igw-test:3f9a…:` (pass as REDIS_KEY_PREFIX). */
  prefix: string
  /** A connection for assertions; closed at teardown. */
  client: Redis
  /** Every key under the prefix. */
  keys(): Promise<string[]>
}

export async function testRedis (t: Teardown): Promise<TestRedis> {
  const url = REDIS_URL as string
  const prefix = `igw-test:${randomBytes(6).toString('hex')}:`
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  const keys = async () => await keysUnder(client, prefix)
  t.teardown(async () => {
    const left = await keys()
    if (left.length > 0) await client.del(...left)
    client.disconnect()
  })
  return { url, prefix, client, keys }
}

/** Every key under a prefix (SCAN, never KEYS: other users of the same Redis are not blocked). */
export async function keysUnder (client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    found.push(...batch)
  } while (cursor !== '0')
  return found
}
