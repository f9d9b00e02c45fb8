// The test Redis reached through a TCP proxy (test/helpers/tcp-proxy.ts): where the proxy must
// connect, and the URL a gateway uses to go through it.
export function redisTarget (redisUrl: string): { host: string, port: number } {
  const url = new URL(redisUrl)
  return { host: url.hostname, port: Number(url.port === '' ? 6379 : url.port) }
}

/**
 * REDIS_URL with only host and port swapped for the proxy's: the protocol (rediss:// TLS), the
 * credentials, the DB number and query options are kept, so a suite run against `…/7` or a
 * password-protected Redis writes where it was told to (rebuilding the URL from scratch wrote to DB 0).
 */
export function redisUrlVia (redisUrl: string, proxyPort: number): string {
  const url = new URL(redisUrl)
  url.hostname = '127.0.0.1'
  url.port = String(proxyPort)
  return url.toString()
}
