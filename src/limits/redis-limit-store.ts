// LimitStore in Redis, so limits hold for every replica together. Each operation is one Lua script,
// which Redis runs atomically: check-and-add across several counters cannot interleave with another
// replica's. Every key carries the configured prefix and an expiry, so Redis does not grow.
import type { Redis } from 'ioredis'
import { luaCommand, type LuaCommand } from '../shared-state/lua-command.js'
import type { ConsumeResult, LeaseResult, LimitStore, WindowCounter } from './limit-store.js'

// KEYS: counters. ARGV: amount, then limit and resetAt (epoch ms) per counter.
// Returns 0 when added, else the 1-based index of the counter that refused and its value.
const TRY_CONSUME = `
local amount = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used + amount > tonumber(ARGV[2 * i]) then return {i, used} end
end
for i, key in ipairs(KEYS) do
  redis.call('INCRBY', key, amount)
  redis.call('PEXPIREAT', key, ARGV[2 * i + 1])
end
return {0, 0}
`

// DECRBY keeps the key's expiry; a counter that has expired is not brought back.
const GIVE_BACK = `
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    local left = redis.call('DECRBY', key, ARGV[1])
    if left < 0 then redis.call('INCRBY', key, -left) end
  end
end
return 0
`

// Slot pools are sorted sets of slot ids scored by lease expiry, on Redis's own clock so replicas
// with skewed clocks agree. KEYS[1]: pool. ARGV: slot id, limit, lease ms. Returns -1 or the count.
const SLOT_CLOCK = `
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`
const LEASE_SLOT = `${SLOT_CLOCK}
local pool = KEYS[1]
redis.call('ZREMRANGEBYSCORE', pool, '-inf', now)
if not redis.call('ZSCORE', pool, ARGV[1]) then
  local used = redis.call('ZCARD', pool)
  if used >= tonumber(ARGV[2]) then return used end
end
redis.call('ZADD', pool, now + tonumber(ARGV[3]), ARGV[1])
local last = redis.call('ZRANGE', pool, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', pool, last[2])
return -1
`

const SLOTS_IN_USE = `${SLOT_CLOCK}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`

export class RedisLimitStore implements LimitStore {
  readonly #redis: Redis
  readonly #prefix: string
  readonly #tryConsume: LuaCommand
  readonly #giveBack: LuaCommand
  readonly #leaseSlot: LuaCommand
  readonly #slotsInUse: LuaCommand

  /** `prefix` namespaces every key (e.g. `igw:limit:`); the caller owns and closes `redis`. */
  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.#prefix = prefix
    this.#tryConsume = luaCommand(redis, 'igwTryConsume', TRY_CONSUME)
    this.#giveBack = luaCommand(redis, 'igwGiveBack', GIVE_BACK)
    this.#leaseSlot = luaCommand(redis, 'igwLeaseSlot', LEASE_SLOT)
    this.#slotsInUse = luaCommand(redis, 'igwSlotsInUse', SLOTS_IN_USE)
  }

  async tryConsume (counters: WindowCounter[], amount: number): Promise<ConsumeResult> {
    if (counters.length === 0) return { ok: true }
    const args: Array<string | number> = [amount]
    for (const counter of counters) args.push(counter.limit, Math.ceil(counter.resetAt))
    const [index, used] = await this.#tryConsume(counters.map((counter) => this.#prefix + counter.key), args) as [number, number]
    const blocked = counters[index - 1]
    return index === 0 || blocked === undefined ? { ok: true } : { ok: false, blocked, used }
  }

  async giveBack (keys: string[], amount: number): Promise<void> {
    if (keys.length === 0 || amount <= 0) return
    await this.#giveBack(keys.map((key) => this.#prefix + key), [amount])
  }

  async peek (keys: string[]): Promise<number[]> {
    if (keys.length === 0) return []
    const values = await this.#redis.mget(...keys.map((key) => this.#prefix + key))
    return values.map((value) => (value === null ? 0 : Number(value)))
  }

  async leaseSlot (key: string, slotId: string, limit: number, leaseMs: number): Promise<LeaseResult> {
    const outcome = await this.#leaseSlot([this.#prefix + key], [slotId, limit, Math.ceil(leaseMs)]) as number
    return outcome === -1 ? { ok: true } : { ok: false, used: outcome }
  }

  async releaseSlot (key: string, slotId: string): Promise<void> {
    await this.#redis.zrem(this.#prefix + key, slotId)
  }

  async slotsInUse (key: string): Promise<number> {
    return await this.#slotsInUse([this.#prefix + key], []) as number
  }

  async close (): Promise<void> {}
}
