// Idempotency records in Redis, so a retry that lands on another replica finds the first answer.
// A claim is SET NX PX (only one replica wins it, and it lapses if that replica dies); the answer
// replaces it as JSON with the record TTL.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { luaCommand, type LuaCommand } from '../shared-state/lua-command.js'
import type { ClaimResult, IdempotencyRecord, IdempotencyStore, StoredAnswer } from './idempotency-store.js'

// Deletes the record only while it is still this owner's pending claim.
const RELEASE_OWN_CLAIM = `
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local record = cjson.decode(stored)
if record.state == 'pending' and record.owner == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

type StoredRecord = IdempotencyRecord & { owner?: string }

export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: Redis
  readonly #prefix: string
  readonly #releaseOwnClaim: LuaCommand

  /** `prefix` namespaces every key (e.g. `igw:idem:`); the caller owns and closes `redis`. */
  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.#prefix = prefix
    this.#releaseOwnClaim = luaCommand(redis, 'igwReleaseOwnClaim', RELEASE_OWN_CLAIM)
  }

  async claim (key: string, fingerprint: string, leaseMs: number): Promise<ClaimResult> {
    const owner = randomUUID()
    // A record can expire between a failed SET NX and the GET; then the key is free to claim again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const written = await this.#redis.set(this.#prefix + key, pendingJson(fingerprint, owner), 'PX', Math.ceil(leaseMs), 'NX')
      if (written === 'OK') return { claimed: true, owner }
      const record = await this.get(key)
      if (record !== undefined) return { claimed: false, record }
    }
    throw new Error('idempotency claim kept racing with expiry')
  }

  async complete (key: string, fingerprint: string, response: StoredAnswer, ttlMs: number): Promise<void> {
    const record: IdempotencyRecord = { state: 'done', fingerprint, response }
    await this.#redis.set(this.#prefix + key, JSON.stringify(record), 'PX', Math.ceil(ttlMs))
  }

  async release (key: string, owner: string): Promise<void> {
    await this.#releaseOwnClaim([this.#prefix + key], [owner])
  }

  async get (key: string): Promise<IdempotencyRecord | undefined> {
    const stored = await this.#redis.get(this.#prefix + key)
    if (stored === null) return undefined
    const { owner: _owner, ...record } = JSON.parse(stored) as StoredRecord
    return record
  }

  async close (): Promise<void> {}
}

function pendingJson (fingerprint: string, owner: string): string {
  return JSON.stringify({ state: 'pending', fingerprint, owner })
}
