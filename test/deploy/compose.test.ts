// docker-compose.yml cannot be run here (no Docker engine), so its promises are checked statically:
// two or more gateway replicas, each a valid configuration on the same Redis and bucket, all behind
// the load balancer's upstream.
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/load-config.js'

interface Service { build?: string, image?: string, environment?: Record<string, string>, volumes?: string[] }

const root = new URL('../../', import.meta.url)
// Compose substitutes ${NAME:-default}; the defaults are what a plain `docker compose up` gets.
const withDefaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')

t.test('docker-compose runs two or more gateway replicas on one Redis and one bucket, behind nginx', async (t) => {
  const compose = parse(await readFile(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as { services: Record<string, Service> }
  const gateways = Object.entries(compose.services).filter(([, service]) => service.build === '.')
  t.ok(gateways.length >= 2, 'at least two replicas')
  const configs = gateways.map(([, service]) => loadConfig(Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, withDefaults(String(value))]))))
  for (const config of configs) {
    t.equal(config.redis?.url, 'redis://redis:6379', 'shared state in the compose Redis')
    t.equal(config.storage.driver, 's3')
    t.equal(config.storage.s3.endpoint, 'http://minio:9000')
    t.equal(config.publicBaseUrl, 'http://localhost:8080', 'links point at the load balancer')
  }
  t.ok(compose.services.redis !== undefined && compose.services.minio !== undefined)
  const nginx = await readFile(new URL('deploy/nginx.conf', root), 'utf8')
  for (const [name] of gateways) t.match(nginx, new RegExp(`server ${name}:8080`), `${name} is in the load balancer`)
  const lb = Object.values(compose.services).find((service) => service.image?.startsWith('nginx') === true)
  t.ok(lb?.volumes?.some((volume) => volume.startsWith('./deploy/nginx.conf:')), 'nginx uses the committed config')
})
