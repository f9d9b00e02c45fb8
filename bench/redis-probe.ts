// Just enough of the Redis protocol for the benchmark: is Redis reachable, and delete the keys a
// run left under its own random prefix. (The gateway's own Redis client is not the harness's.)
import net from 'node:net'

function command (args: string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`
}

async function sendOne (redisUrl: string, args: string[]): Promise<string> {
  const url = new URL(redisUrl)
  return await new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port || 6379), url.hostname)
    let reply = ''
    socket.setTimeout(3000, () => { socket.destroy(); reject(new Error(`Redis at ${url.host} did not answer`)) })
    socket.on('error', reject)
    socket.on('connect', () => socket.write(command(args)))
    socket.on('data', (chunk) => {
      reply += String(chunk)
      if (!reply.endsWith('\r\n')) return
      socket.end()
      resolve(reply.trim())
    })
  })
}

export async function redisReachable (redisUrl: string): Promise<boolean> {
  return await sendOne(redisUrl, ['PING']).then((reply) => reply === '+PONG', () => false)
}

const DELETE_BY_PREFIX = "local n = 0 for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) n = n + 1 end return n"

export async function deleteKeysWithPrefix (redisUrl: string, prefix: string): Promise<void> {
  await sendOne(redisUrl, ['EVAL', DELETE_BY_PREFIX, '0', `${prefix}*`])
}
