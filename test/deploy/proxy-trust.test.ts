// The compose deployment's proxy trust holds together statically (no Docker engine here): the
// gateways believe exactly one hop of X-Forwarded-For, nginx appends the address it saw as that hop,
// and no gateway publishes a port, so nginx is the only peer that can be that hop.
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { loadConfig } from '../../src/config/load-config.js'
import { environmentOf, parseCompose } from '../helpers/compose.js'

const root = new URL('../../', import.meta.url)

t.test('compose gateways trust one proxy hop, and only nginx can be it', async (t) => {
  const compose = parseCompose(await readFile(new URL('docker-compose.yml', root), 'utf8'))
  const gateways = compose.services.filter((service) => service.build !== undefined)
  t.ok(gateways.length >= 2, 'the gateway replicas are found')
  for (const gateway of gateways) {
    t.equal(loadConfig(environmentOf(gateway)).http.trustProxy, 1, `${gateway.name}: TRUST_PROXY is one hop`)
    t.equal(gateway.ports, undefined, `${gateway.name}: publishes no port (a direct client could forge the hop)`)
  }
})

t.test('nginx appends the address it saw to X-Forwarded-For', async (t) => {
  const nginx = await readFile(new URL('deploy/nginx.conf', root), 'utf8')
  t.match(nginx, /^\s*proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/m)
})
