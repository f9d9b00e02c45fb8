// The base URL this gateway answers on, from the host it was told to listen on and the port it got.
// One answer for both of its users: the durable links callers get when PUBLIC_BASE_URL is unset,
// and the URL startGateway reports (the dev key's curl hint, the tests' requests).
import { isIPv6, type AddressInfo } from 'node:net'

export interface ListenTarget {
  host: string
  /** Used while nothing listens yet (an app driven by `inject`), or when the socket is not TCP. */
  port: number
}

export function listeningUrl (server: { address(): AddressInfo | string | null }, listen: ListenTarget): string {
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : listen.port
  return `http://${urlHost(listen.host)}:${port}`
}

// A wildcard address (every interface) cannot be connected to as such; it becomes `localhost`, not
// `127.0.0.1`: that is the default PUBLIC_BASE_URL the configuration documents, and links and the
// reported URL must share one origin (tests check links start with it, or swap it for another
// replica's). `localhost` also names both loopbacks, and clients (curl, Node's fetch) try each,
// while `127.0.0.1` fails against an IPv6-only bind of `::` and `::1` against `0.0.0.0`.
function urlHost (host: string): string {
  if (isWildcard(host)) return 'localhost'
  return isIPv6(host) ? `[${host}]` : host
}

function isWildcard (host: string): boolean {
  if (host === '0.0.0.0') return true
  // `::`, `::0`, `0:0:0:0:0:0:0:0`, …: every group of the IPv6 address is zero.
  return isIPv6(host) && host.split(':').every((group) => /^0*$/.test(group))
}
