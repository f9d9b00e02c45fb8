// The Fastify server options that decide how far the gateway trusts a connection: whose
// X-Forwarded-For names the client, and how long a client may take to send, or sit silent.
import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import type { GatewayConfig } from '../config/load-config.js'
import type { TrustProxy } from '../config/trust-proxy.js'

type ConnectionOptions = Pick<FastifyHttpOptions<Server>, 'trustProxy' | 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'http'>

export function connectionOptions (settings: GatewayConfig['http']): ConnectionOptions {
  return {
    trustProxy: fastifyTrustProxy(settings.trustProxy),
    // Node's requestTimeout covers receiving the request (headers and body) only, not the handler:
    // a slow upload is cut off, a minutes-long generation is not.
    requestTimeout: settings.requestTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    // Socket inactivity while a request is handled; it must outlast the silent generation.
    connectionTimeout: settings.connectionTimeoutMs,
    http: {
      headersTimeout: settings.headersTimeoutMs,
      // Node's own check (passed again so its constructor validates headersTimeout against it).
      requestTimeout: settings.requestTimeoutMs,
      // Node looks for expired requests only this often (30 s by default), so a timeout fires up
      // to one interval late; a second at most keeps the bound close at little cost.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4)))
    }
  }
}

// Fastify (since 5.x) treats a numeric trustProxy as "trust nobody", because a hop count cannot tell
// a proxy from a direct client. TRUST_PROXY=n keeps the hop count's meaning (the n peers nearest the
// gateway are proxies; the address is the n-th entry from the right of X-Forwarded-For), which is
// sound only where nothing but those proxies can reach the gateway (docs: "Behind a proxy").
function fastifyTrustProxy (trust: TrustProxy): ConnectionOptions['trustProxy'] {
  if (typeof trust !== 'number') return trust
  const proxyHops = trust
  return (_address: string, hop: number) => hop < proxyHops
}
