// docker-compose.yml cannot be run here (no Docker engine), so its promises are checked statically:
// two or more gateway replicas, each a valid configuration on the same Redis and bucket, all behind
// the load balancer's upstream.
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/load-config.js'
import { durationMs, environmentOf, parseCompose, publishedHostIps } from '../helpers/compose.js'

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

const composeFile = async () => parseCompose(await readFile(new URL('docker-compose.yml', root), 'utf8'))

t.test('Docker does not SIGKILL a stopping gateway: stop_grace_period is above its SHUTDOWN_GRACE_MS', async (t) => {
  const gateways = (await composeFile()).services.filter((service) => service.build === '.')
  t.ok(gateways.length >= 2)
  for (const service of gateways) {
    const env = Object.fromEntries(Object.entries(environmentOf(service)).filter((entry): entry is [string, string] => entry[1] !== undefined))
    const graceMs = loadConfig(env).shutdownGraceMs
    const stopMs = durationMs(service.stop_grace_period)
    t.ok(stopMs !== undefined && stopMs > graceMs, `${service.name}: stop_grace_period ${String(service.stop_grace_period)} > SHUTDOWN_GRACE_MS ${graceMs}`)
  }
})

t.test('MinIO, with its development credentials, is not published on all interfaces', async (t) => {
  const minio = (await composeFile()).services.filter((service) => /^(quay\.io\/)?minio\/minio[:@]/.test(service.image ?? ''))
  t.equal(minio.length, 1)
  for (const service of minio) {
    for (const hostIp of publishedHostIps(service)) t.ok(['127.0.0.1', '::1', 'localhost'].includes(hostIp), `${service.name}: published on '${hostIp}' (loopback only)`)
  }
})

t.test('every image is pinned to an exact release: no :latest, no untagged or floating tags', async (t) => {
  const images = (await composeFile()).services.flatMap((service) => service.image === undefined ? [] : [[service.name, service.image] as const])
  t.ok(images.length >= 4, 'nginx, redis, minio, mc')
  // An exact version (1.27.5, 7.4.6, optionally -alpine…) or a dated MinIO release; a digest also pins.
  const pinned = /:(\d+\.\d+\.\d+(-[a-z0-9.]+)?|RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$/
  for (const [name, image] of images) t.match(image, pinned, `${name}: ${image}`)
})

t.test('nginx lets the largest allowed upload through and passes event streams unbuffered', async (t) => {
  const nginx = await readFile(new URL('deploy/nginx.conf', root), 'utf8')
  const bodyLimit = /client_max_body_size (\d+)m;/.exec(nginx)
  t.ok(bodyLimit !== null, 'a body size limit is set')
  // UPLOAD_TOTAL_MAX_BYTES defaults to 64 MiB; the multipart framing comes on top.
  t.ok(Number(bodyLimit?.[1]) > 64, 'above the default upload total')
  t.match(nginx, /proxy_buffering off;/, 'answers (image downloads, server-sent events) are not buffered')
})
