// The composition root: builds every service of a gateway from its configuration — storage and the
// spool, tenants and keys, the upstreams (the built-in simulator when none is configured), shared
// state (memory or Redis), what the routes call — hands them to the app, and owns their lifecycle:
// start order, stopping what had started when a later step fails, and the close order.
// assembleGateway stops short of listening (tests drive it with `inject`); startGateway listens.
import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { buildApp, type AppConfig } from './app.js'
import type { GatewayConfig } from './config/load-config.js'
import { loadConfigFiles, type ConfigFiles } from './config/load-config-files.js'
import { GenerationRecords } from './generation/generation-records.js'
import { ImageGenerator } from './generation/image-generator.js'
import { ImageInputs } from './inputs/image-inputs.js'
import type { ManifestImage } from './schemas/generation.js'
import { ManifestReader } from './generation/manifest-reader.js'
import { sweepOrphansEvery } from './generation/orphan-sweeper.js'
import { PublishedImages } from './generation/published-images.js'
import { ReadinessChecks } from './health/readiness-checks.js'
import { closeApp } from './http/close-app.js'
import { listeningUrl } from './http/listening-url.js'
import { Lifecycle } from './lifecycle.js'
import { AuthFailureThrottle } from './limits/auth-failures.js'
import { ImageAdmission } from './limits/image-admission.js'
import { GatewayMetrics } from './metrics/gateway-metrics.js'
import { allUpstreamEvents, metricsUpstreamEvents } from './metrics/metrics-upstream-events.js'
import { createSharedState } from './shared-state/create-shared-state.js'
import { allSharedStateEvents, type SharedStateEvents } from './shared-state/shared-state-events.js'
import type { Simulator } from './simulator/index.js'
import { createStorageStack } from './storage/create-storage.js'
import { createLinkBuilder } from './storage/links.js'
import { Spool } from './storage/spool.js'
import { SpoolFlusher } from './storage/spool-flusher.js'
import { storedImageBytes } from './storage/stored-image-bytes.js'
import { defaultTenantDirectory } from './tenants/load-tenants.js'
import { TenantRegistry } from './tenants/tenant-registry.js'
import { TenantUsage } from './tenants/tenant-usage.js'
import type { UpstreamEvents } from './upstream/upstream-events.js'
import { startUpstreams } from './upstream/start-upstreams.js'
import type { UpstreamRouter } from './upstream/upstream-router.js'

export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'apiKey', '*.apiKey']

export interface GatewayOptions {
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
  loggerInstance?: FastifyBaseLogger
  /** Tests: fail requests whose answer a response schema would change, or whose status is undocumented. */
  checkResponses?: boolean
}

/** Every service built and the app ready for `inject`, nothing listening yet. */
export interface AssembledGateway {
  app: FastifyInstance
  /** Set when no API_KEYS were configured: the key generated for this run. */
  devKey?: string
  /** Set when no upstream was configured: the in-process simulator images come from. */
  simulator?: Simulator
  tenants: TenantRegistry
  router: UpstreamRouter
  metrics: GatewayMetrics
  flusher: SpoolFlusher
  /** Lets in-flight requests finish, then stops everything else, last started first. */
  close(): Promise<void>
}

export interface RunningGateway extends AssembledGateway {
  /** Where this gateway answers (a wildcard host shown as localhost: src/http/listening-url.ts). */
  url: string
}

export async function startGateway (options: GatewayOptions): Promise<RunningGateway> {
  const gateway = await assembleGateway(options)
  const { config } = options
  try {
    await gateway.app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await gateway.close().catch(() => {}) // the listen failure is the error to report
    throw error
  }
  return { ...gateway, url: listeningUrl(gateway.app.server, config) }
}

export async function assembleGateway (options: GatewayOptions): Promise<AssembledGateway> {
  const { config, now } = options
  // Configuration files first, strictly (a broken file stops the start before anything runs); later
  // reloads of the tenants file that fail keep the tenants in force.
  const { tenants: fileTenants, upstreams: plan } = options.files ?? await loadConfigFiles(config, options.env ?? {})
  const logger = options.loggerInstance ?? pino({ level: config.logLevel, redact: REDACTED_LOG_PATHS })
  const metrics = new GatewayMetrics()
  const lifecycle = new Lifecycle()
  try {
    const spool = new Spool(config.spool.dir)
    await spool.init()
    // Writes go to durable storage; reads fall back to the spool, where generations wait while
    // durable storage is failing (src/storage/create-storage.ts builds both views).
    const { durable: storage, readable } = await createStorageStack(config.storage, { metrics, spool })
    lifecycle.started(() => storage.close())
    const flusher = new SpoolFlusher(spool, storage, logger, config.spool.flushMs)
    flusher.start() // generations spooled before a restart go first
    lifecycle.started(() => flusher.stop())

    const devKey = config.tenantsFile === undefined && config.apiKeys.length === 0 ? `igw_dev_${randomBytes(24).toString('base64url')}` : undefined
    const initialKeys = fileTenants ?? defaultTenantDirectory(devKey !== undefined ? [devKey] : config.apiKeys, config.defaultPolicy)
    const tenants = new TenantRegistry(initialKeys, { filePath: config.tenantsFile, defaults: config.defaultPolicy, log: logger })
    tenants.watch()
    lifecycle.started(() => tenants.close())

    const events = allUpstreamEvents([metricsUpstreamEvents(metrics), ...(options.upstreamEvents !== undefined ? [options.upstreamEvents] : [])])
    const { router, simulator } = await startUpstreams(plan, config, { events, metrics, logger, lifecycle, now })

    // Connected last, so a start that fails earlier never opens a Redis connection at all.
    const sharedState = await createSharedState(config.redis, logger, allSharedStateEvents([metrics, options.sharedStateEvents]), now)
    lifecycle.started(() => sharedState.close())

    const manifests = new ManifestReader(readable, {
      ttlMs: config.manifestCacheTtlMs,
      now,
      onUnreadable: (manifestKey, reason) => {
        logger.warn({ manifestKey, reason }, 'stored generation manifest is unreadable; it is skipped in listings and not served')
        metrics.manifestUnreadable()
      }
    })
    // A deletion announced by any replica (or this one) empties this replica's cache entry.
    sharedState.manifestInvalidations.subscribe((key) => manifests.forgetKey(key))
    // Links are made by requests, so `app` exists by the time one asks for the listening URL.
    const linkTo = createLinkBuilder(config.links, () => config.publicBaseUrl ?? listeningUrl(app.server, config))

    // The generation use case: every step of POST /generate behind one object.
    const readImage = async (image: ManifestImage) => await storedImageBytes(readable, image.key, image.bytes)
    const generator = new ImageGenerator({
      router,
      storage,
      spool,
      linkTo,
      defaultModel: config.defaultModel,
      deadlineMs: config.resilience.deadlineMs,
      admission: new ImageAdmission(sharedState.limitStore, { leaseMs: config.inFlightLeaseMs, now }),
      idempotency: { store: sharedState.idempotencyStore, ttlMs: config.idempotencyTtlMs, leaseMs: config.resilience.generationBudgetMs + 60_000 },
      manifests,
      readImage,
      events: metrics
    })
    const inputs = new ImageInputs({ limits: config.uploads, maxPixels: config.images.maxPixels, promptMaxLength: config.promptMaxLength, manifests, readImage, linkTo })

    const app = buildApp({
      config: appConfig(config),
      loggerInstance: logger,
      checkResponses: options.checkResponses,
      metrics,
      keys: () => tenants.current,
      authFailures: new AuthFailureThrottle(sharedState.limitStore, config.authFailures, now),
      rateLimitStore: sharedState.rateLimitStore,
      readiness: new ReadinessChecks({ storage, redis: sharedState.redis, checkTimeoutMs: config.readyTimeoutMs }),
      images: new PublishedImages(readable, manifests, { redirectTtlSeconds: config.links.mode === 'redirect' ? config.links.presignTtlSeconds : undefined }),
      generator,
      inputs,
      records: new GenerationRecords(readable, manifests, async (manifestKey) => await sharedState.manifestInvalidations.announce(manifestKey)),
      usage: new TenantUsage({ limits: sharedState.limitStore, requestRates: sharedState.rateLimitStore }, now)
    })
    lifecycle.started(() => closeApp(app))

    const stopSweeping = sweepOrphansEvery(config.orphanSweepMs, storage, tenants, logger)
    lifecycle.started(stopSweeping)

    return { app, devKey, simulator, tenants, router, metrics, flusher, close: async () => { await lifecycle.stopAll() } }
  } catch (error) {
    await lifecycle.stopAll().catch(() => {}) // the start failure is the error to report
    throw error
  }
}

function appConfig (config: GatewayConfig): AppConfig {
  return {
    bodyLimitBytes: config.bodyLimitBytes,
    http: config.http,
    publicBaseUrl: config.publicBaseUrl,
    metricsToken: config.metricsToken,
    promptMaxLength: config.promptMaxLength
  }
}
