// Registers a Lua script as an ioredis command (EVALSHA, with EVAL when Redis has not cached it)
// and returns it as a typed function of keys and arguments.
import type { Redis } from 'ioredis'

export type LuaCommand = (keys: string[], args: Array<string | number>) => Promise<unknown>

type Dynamic = Record<string, (...args: Array<string | number>) => Promise<unknown>>

export function luaCommand (redis: Redis, name: string, lua: string): LuaCommand {
  if (!(name in redis)) redis.defineCommand(name, { lua })
  return async (keys, args) => {
    const command = (redis as unknown as Dynamic)[name]
    if (command === undefined) throw new Error(`Lua command ${name} is not defined`)
    // Without numberOfKeys in the definition, ioredis takes the key count as the first argument.
    return await command.call(redis, keys.length, ...keys, ...args)
  }
}
