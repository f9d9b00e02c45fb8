// Static checks of the container files (no Docker engine here): the Dockerfile builds a small,
// non-root, signal-friendly image, and every gateway service in docker-compose.yml is configured
// only with variables the gateway knows, with values it accepts. Written against whatever services
// the compose file has, so adding services (replicas, a load balancer) keeps it passing.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { EnvSchema } from '../../src/config/env-schema.js'
import { loadConfig } from '../../src/config/load-config.js'
import { commandText, dependenciesOf, environmentOf, parseCompose, type ComposeService } from '../helpers/compose.js'
import { envOf, parseDockerfile, type Stage } from '../helpers/dockerfile.js'

const repo = (file: string) => new URL(`../../${file}`, import.meta.url)
const read = async (file: string) => await readFile(repo(file), 'utf8')

// Variables the gateway reads besides its own schema: the AWS SDK's credential chain, Node itself.
const OUTSIDE_SCHEMA = [/^AWS_[A-Z0-9_]+$/, /^NODE_(ENV|OPTIONS|EXTRA_CA_CERTS)$/, /^TZ$/]
const isKnownVariable = (name: string) => name in EnvSchema.properties || OUTSIDE_SCHEMA.some((pattern) => pattern.test(name))

const instructions = (stage: Stage, keyword: string) => stage.instructions.filter((instruction) => instruction.keyword === keyword)

t.test('Dockerfile: multi-stage on a current Node LTS slim base', async (t) => {
  const stages = parseDockerfile(await read('Dockerfile'))
  t.ok(stages.length >= 2, 'a build stage and a runtime stage')
  for (const stage of stages) {
    const match = /^node:(\d+)[\w.-]*-slim$/.exec(stage.from)
    t.ok(match, `${stage.from} is a node slim image`)
    const major = Number(match?.[1])
    t.ok(major >= 22 && major % 2 === 0, `${stage.from}: an LTS line (even major, 22 or newer)`)
  }
})

t.test('Dockerfile: the runtime stage ships production dependencies and the build only', async (t) => {
  const stages = parseDockerfile(await read('Dockerfile'))
  const runtime = stages.at(-1) as Stage
  const copies = instructions(runtime, 'COPY').map((instruction) => instruction.args)
  const modules = copies.find((args) => /\bnode_modules\b/.test(args))
  t.ok(modules?.includes('--from='), 'node_modules comes from a build stage')
  const source = stages.find((stage) => stage.name !== undefined && modules?.includes(`--from=${stage.name}`))
  t.ok(source, 'from a named stage')
  const pruned = instructions(source as Stage, 'RUN').some(({ args }) => /npm (prune|ci|install)\b[^&]*--omit=dev|npm prune --production/.test(args))
  t.ok(pruned, 'the build stage drops devDependencies (npm prune --omit=dev)')
  t.notOk(copies.some((args) => /(^|\s)(src|test)(\s|\/|$)/.test(args.replace(/--\S+/g, ''))), 'no sources or tests in the runtime image')
})

t.test('Dockerfile: runs as a non-root user, node as PID 1, healthcheck on /healthz, data on a volume', async (t) => {
  const stages = parseDockerfile(await read('Dockerfile'))
  const runtime = stages.at(-1) as Stage
  const user = instructions(runtime, 'USER').at(-1)?.args
  t.ok(user !== undefined && !/^(root|0)(:|$)/.test(user), `USER ${user ?? '(none)'} is not root`)
  const healthcheck = instructions(runtime, 'HEALTHCHECK').at(-1)?.args ?? ''
  t.match(healthcheck, /\/healthz/, 'HEALTHCHECK probes /healthz')
  t.notMatch(healthcheck, /\bcurl\b|\bwget\b/, 'with node, which the slim image has (curl and wget are not there)')
  const cmd = JSON.parse(instructions(runtime, 'CMD').at(-1)?.args ?? 'null') as string[] | null
  t.ok(Array.isArray(cmd), 'CMD in exec form, so no shell sits between the signal and the process')
  t.equal(cmd?.[0], 'node', 'node is PID 1: not npm, which does not forward SIGTERM')
  t.equal(cmd?.[1], 'dist/server.js', 'the compiled src/server.ts (tsconfig.build.json: src → dist)')
  t.ok(existsSync(repo('src/server.ts')))
  const env = envOf(runtime)
  const volumes = instructions(runtime, 'VOLUME').flatMap(({ args }) => args.startsWith('[') ? JSON.parse(args) as string[] : args.split(/\s+/))
  t.ok(env.DATA_DIR !== undefined && volumes.includes(env.DATA_DIR), `DATA_DIR (${env.DATA_DIR ?? 'unset'}) is a VOLUME`)
  t.equal(instructions(runtime, 'EXPOSE').at(-1)?.args, env.PORT, 'EXPOSE matches PORT')
  t.equal(env.HOST, '0.0.0.0', 'listens on all interfaces inside the container')
})

t.test('Dockerfile: its ENV is valid gateway configuration, and every COPY source exists and is not docker-ignored', async (t) => {
  const stages = parseDockerfile(await read('Dockerfile'))
  const runtime = stages.at(-1) as Stage
  const env = envOf(runtime)
  for (const name of Object.keys(env)) t.ok(isKnownVariable(name), `${name} is a variable the gateway reads`)
  t.doesNotThrow(() => loadConfig(env), 'the gateway accepts the image\'s environment')
  const ignored = (await read('.dockerignore')).split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
  for (const required of ['node_modules', '.git', 'data']) t.ok(ignored.includes(required), `.dockerignore keeps ${required} out of the build context`)
  for (const stage of stages) {
    for (const { args } of instructions(stage, 'COPY').filter(({ args }) => !args.includes('--from='))) {
      const words = args.split(/\s+/).filter((word) => !word.startsWith('--'))
      for (const source of words.slice(0, -1)) {
        t.ok(existsSync(repo(source)), `COPY source ${source} exists`)
        t.notOk(ignored.includes(source.replace(/\/$/, '')), `COPY source ${source} is not in .dockerignore`)
      }
    }
  }
})

const isGatewayService = (service: ComposeService) => {
  const context = typeof service.build === 'string' ? service.build : service.build?.context
  return (context !== undefined && ['.', './'].includes(context)) || /image-gateway/.test(service.image ?? '')
}

t.test('docker-compose.yml: every gateway service reads only known variables, with values the gateway accepts', async (t) => {
  const compose = parseCompose(await read('docker-compose.yml'))
  const gateways = compose.services.filter(isGatewayService)
  t.ok(gateways.length >= 1, 'at least one service runs the gateway image')
  for (const service of gateways) {
    const env = environmentOf(service)
    for (const name of Object.keys(env)) t.ok(isKnownVariable(name), `${service.name}: ${name} is a variable the gateway reads (src/config/env-schema.ts, or AWS_*)`)
    const literal = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
    t.doesNotThrow(() => loadConfig(literal), `${service.name}: the gateway starts with this environment`)
    t.match(commandText({ ...service, entrypoint: undefined, command: service.healthcheck?.test }), /\/(healthz|readyz)\b/, `${service.name}: healthcheck probes the gateway`)
  }
})

t.test('docker-compose.yml: services, dependencies, hosts, volumes and the bucket fit together', async (t) => {
  const compose = parseCompose(await read('docker-compose.yml'))
  const names = new Set(compose.services.map((service) => service.name))
  for (const service of compose.services) {
    t.ok(service.image !== undefined || service.build !== undefined, `${service.name} has an image or a build`)
    for (const dependency of dependenciesOf(service)) t.ok(names.has(dependency), `${service.name} depends on ${dependency}, which exists`)
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0] ?? '' : volume.source ?? ''
      const named = source !== '' && !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('~')
      if (named) t.ok(compose.volumes.includes(source), `${service.name}: volume ${source} is declared`)
    }
    // A URL naming a host without a dot (minio, redis) names a compose service.
    for (const [name, value] of Object.entries(environmentOf(service))) {
      const host = value !== undefined && /^[a-z][a-z0-9+.-]*:\/\//.test(value) ? new URL(value).hostname : undefined
      if (host !== undefined && !host.includes('.') && host !== 'localhost') t.ok(names.has(host), `${service.name}: ${name} points at service ${host}, which exists`)
    }
  }
  for (const service of compose.services.filter(isGatewayService)) {
    const env = environmentOf(service)
    if (env.STORAGE_DRIVER !== 's3' || env.S3_ENDPOINT === undefined) continue
    const storeHost = new URL(env.S3_ENDPOINT).hostname
    if (!names.has(storeHost)) continue
    const creators = compose.services.filter((candidate) => new RegExp(`\\bmb\\b[^\\n]*\\b${env.S3_BUCKET ?? ''}\\b`).test(commandText(candidate)))
    t.ok(creators.length > 0, `${service.name}: bucket ${env.S3_BUCKET ?? ''} is created at start`)
    t.ok(creators.every((creator) => dependenciesOf(service).includes(creator.name)), `${service.name} waits for the bucket`)
  }
})
