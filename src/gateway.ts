// Assembles a running gateway from its configuration: storage, shared state (memory or Redis), keys,
// upstream (the built-in simulator when no provider is configured), the app, and the listening socket.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { pino } from 'pino'
import { buildApp, REDACTED_LOG_PATHS } from './app.js'
import type { GatewayConfig } from './config/load-config.js'
import { startSimulator, type Simulator } from './simulator/index.js'
import { sweepOrphans } from './generation/orphan-sweeper.js'
import { createStorage } from './storage/create-storage.js'
import { Spool } from './storage/spool.js'
import { SpoolFlusher } from './storage/spool-flusher.js'
import { createSharedState } from './shared-state/create-shared-state.js'
import { allSharedStateEvents, type SharedStateEvents } from './shared-state/shared-state-events.js'
import { defaultTenantDirectory } from './tenants/load-tenants.js'
import { TenantRegistry } from './tenants/tenant-registry.js'
import { createOpenAIUpstream } from './upstream/openai-upstream.js'
import type { UpstreamEvents } from './upstream/upstream-events.js'
import { GatewayMetrics } from './metrics/gateway-metrics.js'
import { MeteredStorage } from './metrics/metered-storage.js'
import { allUpstreamEvents, metricsUpstreamEvents } from './metrics/metrics-upstream-events.js'
import { UpstreamRouter } from './upstream/upstream-router.js'
import { loadConfigFiles, type ConfigFiles } from './config/load-config-files.js'

export interface RunningGateway {
  app: FastifyInstance
  url: string
  /** Set when no API_KEYS were configured: the key generated for this run. */
  devKey?: string
  /** Set when no upstream was configured: the in-process simulator images come from. */
  simulator?: Simulator
  tenants: TenantRegistry
  router: UpstreamRouter
  metrics: GatewayMetrics
  flusher: SpoolFlusher
  close(): Promise<void>
}

export interface StartOptions {
  config: GatewayConfig
  /** TENANTS_FILE and UPSTREAMS_FILE, already read (server.ts reads them with the environment). */
  files?: ConfigFiles
  /** Where upstream keys named in UPSTREAMS_FILE are read from (process.env in production). */
  env?: Record<string, string | undefined>
  upstreamEvents?: UpstreamEvents
  /**
   * The gateway's clock for circuit breakers, image quota windows (the calendar minute, the UTC
   * day), failed-auth windows, in-memory counters and the manifest cache's TTL. Tests move it instead of sleeping through
   * cooldowns, or pin it near midnight instead of depending on when the suite runs.
   */
  now?: () => number
  sharedStateEvents?: SharedStateEvents
  loggerInstance?: FastifyServerOptions['loggerInstance']
  /** Tests: fail requests whose answer a response schema would change, or whose status is undocumented. */
  checkResponses?: boolean
}

export async function startGateway ({ config, files, loggerInstance, env = {}, upstreamEvents, now, checkResponses, sharedStateEvents }: StartOptions): Promise<RunningGateway> {
  // Configuration files first, strictly (a broken file stops the start before anything runs); later
  // reloads of the tenants file that fail keep the tenants in force.
  const { tenants: fileTenants, upstreams: plan } = files ?? await loadConfigFiles(config, env)
  const logger = loggerInstance ?? pino({ level: config.logLevel, redact: REDACTED_LOG_PATHS })
  const metrics = new GatewayMetrics()
  // What has started, stopped again in reverse order if a later step fails (a taken port, Redis
  // unreachable): a start that fails leaves nothing running.
  const started: Array<() => unknown> = []
  try {
    const storage = new MeteredStorage(await createStorage(config.storage), metrics)
    started.push(() => storage.close())
    const spool = new Spool(config.spool.dir)
    await spool.init()
    const flusher = new SpoolFlusher(spool, storage, logger, config.spool.flushMs)
    flusher.start() // generations spooled before a restart go first
    started.push(() => flusher.stop())

    const devKey = config.tenantsFile === undefined && config.apiKeys.length === 0 ? `igw_dev_${randomBytes(24).toString('base64url')}` : undefined
    const initialKeys = fileTenants ?? defaultTenantDirectory(devKey !== undefined ? [devKey] : config.apiKeys, config.defaultPolicy)
    const tenants = new TenantRegistry(initialKeys, { filePath: config.tenantsFile, defaults: config.defaultPolicy, log: logger })
    tenants.watch()
    started.push(() => tenants.close())

    let simulator: Simulator | undefined
    const settings = []
    for (const upstream of plan.upstreams) {
      if (upstream.baseUrl !== undefined) {
        settings.push({ ...upstream, baseUrl: upstream.baseUrl })
        continue
      }
      const simulatorKey = randomBytes(16).toString('hex')
      const ownSimulator = await startSimulator({ apiKey: simulatorKey, urlTtlMs: config.simulator.urlTtlMs, latencyMs: config.simulator.latencyMs })
      simulator = ownSimulator
      started.push(() => ownSimulator.close())
      settings.push({ ...upstream, baseUrl: `${simulator.url}/v1`, apiKey: simulatorKey })
      logger.warn({ simulatorUrl: simulator.url }, 'UPSTREAM_BASE_URL is not set: IMAGES ARE SIMULATED by the built-in simulator, not generated by a real provider')
    }
    const events = allUpstreamEvents([metricsUpstreamEvents(metrics), ...(upstreamEvents !== undefined ? [upstreamEvents] : [])])
    for (const upstream of settings) metrics.breaker(upstream.name, 'closed', false)
    const router = new UpstreamRouter(
      settings.map((upstream) => createOpenAIUpstream({
        ...upstream,
        answerMaxBytes: config.upstream.answerMaxBytes,
        imageMaxBytes: config.upstream.imageMaxBytes,
        onAttempt: () => events.attempt(upstream.name),
        log: logger
      })),
      plan.routes,
      { failures: config.resilience.breakerFailures, cooldownMs: config.resilience.breakerCooldownMs, now },
      events
    )

    // Connected last, so a start that fails earlier never opens a Redis connection at all.
    const sharedState = await createSharedState(config, logger, allSharedStateEvents([metrics, sharedStateEvents]), now)
    started.push(() => sharedState.close())
    const app = buildApp({
      config,
      router,
      storage,
      spool,
      keys: () => tenants.current,
      loggerInstance: logger,
      metrics,
      checkResponses,
      now,
      limitStore: sharedState.limitStore,
      idempotencyStore: sharedState.idempotencyStore,
      rateLimitStore: sharedState.rateLimitStore,
      redis: sharedState.redis,
      manifestInvalidations: sharedState.manifestInvalidations
    })
    started.push(() => app.close())
    await app.listen({ host: config.host, port: config.port })
    const orphanSweeper = config.orphanSweepMs > 0
      ? setInterval(() => {
        sweepOrphans(storage, { prefixes: tenants.current.tenants.map((tenant) => tenant.storagePrefix), minAgeMs: 15 * 60_000, lookbackMs: 48 * 3_600_000 }).then(
          (removed) => { if (removed.length > 0) logger.warn({ removed: removed.length }, 'removed generations that had no manifest') },
          (error: unknown) => { logger.warn({ err: error }, 'orphan sweep failed; will retry') })
      }, config.orphanSweepMs)
      : undefined
    orphanSweeper?.unref()

    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : config.port
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host

    return {
      app,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      devKey,
      simulator,
      tenants,
      router,
      metrics,
      flusher,
      async close () {
        clearInterval(orphanSweeper)
        tenants.close()
        // Node closes idle keep-alive connections once, when closing starts; connections whose last
        // response was still finishing then would linger until their keep-alive timeout. Sweep
        // again while in-flight requests drain.
        const closing = app.close()
        const idleSweeper = setInterval(() => app.server.closeIdleConnections(), 200)
        try {
          await closing
        } finally {
          clearInterval(idleSweeper)
          // Whatever the app's close did, nothing the gateway started is left running.
          await flusher.stop()
          await sharedState.close()
          await simulator?.close()
          await storage.close()
        }
      }
    }
  } catch (error) {
    for (const stop of started.reverse()) {
      try {
        await stop()
      } catch {} // the start failure is the error to report
    }
    throw error
  }
}
