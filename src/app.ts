// buildApp wires the gateway's plugins and routes around services it is given. It does not listen,
// start simulators or read the environment: server.ts and the tests do that.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { GatewayConfig } from './config/load-config.js'
import { GenerationRecords } from './generation/generation-records.js'
import { ImageGenerator } from './generation/image-generator.js'
import { ManifestReader } from './generation/manifest-reader.js'
import { PublishedImages } from './generation/published-images.js'
import { AuthFailureThrottle } from './limits/auth-failures.js'
import { ImageAdmission } from './limits/image-admission.js'
import type { LimitStore } from './limits/limit-store.js'
import { memoryRequestRateStore, type RequestRateStore } from './limits/request-rate-store.js'
import type { SharedStateReadiness } from './shared-state/create-shared-state.js'
import { ReadinessChecks } from './health/readiness-checks.js'
import { answerClientError } from './http/client-error.js'
import { connectionOptions } from './http/connection-options.js'
import { answerFrameworkError } from './http/framework-errors.js'
import type { ManifestInvalidations } from './shared-state/manifest-invalidations.js'
import { createAuthenticate } from './plugins/authenticate.js'
import { GatewayMetrics } from './metrics/gateway-metrics.js'
import documentedStatuses from './plugins/documented-statuses.js'
import errorHandler from './plugins/error-handler.js'
import openapi from './plugins/openapi.js'
import rejectEncodedBodies from './plugins/reject-encoded-bodies.js'
import requestMetrics from './plugins/request-metrics.js'
import { ShutdownDrain } from './plugins/shutdown-drain.js'
import { registerTenantRateLimit } from './plugins/tenant-rate-limit.js'
import { generateRoutes } from './routes/generate.js'
import { generationRoutes } from './routes/generations.js'
import { healthRoutes } from './routes/health.js'
import { imageRoutes } from './routes/images.js'
import { metricsRoutes } from './routes/metrics.js'
import { usageRoutes } from './routes/usage.js'
import { createLinkBuilder } from './storage/links.js'
import type { Spool } from './storage/spool.js'
import { storedImageBytes } from './storage/stored-image-bytes.js'
import type { StorageStack } from './storage/create-storage.js'
import type { IdempotencyStore } from './idempotency/idempotency-store.js'
import type { KeyDirectory } from './tenants/key-directory.js'
import { TenantUsage } from './tenants/tenant-usage.js'
import type { UpstreamRouter } from './upstream/upstream-router.js'
import { checkedSerializerFactory } from './validation/checked-serializer.js'
import { typeboxValidatorCompiler } from './validation/typebox-validator.js'

export interface AppServices {
  config: GatewayConfig
  router: UpstreamRouter
  /** Durable storage for writes, and the spool-fallback view of it for reads (createStorageStack). */
  storage: StorageStack
  keys: () => KeyDirectory
  limitStore: LimitStore
  idempotencyStore: IdempotencyStore
  /** Where @fastify/rate-limit counts each tenant's requests (shared by replicas with Redis); unset, in this process. */
  rateLimitStore?: RequestRateStore
  /** Deletions announced by any replica (Redis pub/sub, or this process only). */
  manifestInvalidations?: ManifestInvalidations
  /** Set when shared state is in Redis, for /readyz. */
  redis?: SharedStateReadiness
  spool?: Spool
  /** Shared with the upstream events and storage wrapper that feed it; a fresh one when absent. */
  metrics?: GatewayMetrics
  loggerInstance?: FastifyServerOptions['loggerInstance']
  /**
   * Tests set this: a response schema that would drop or change a field, or a status a route does
   * not document, fails the request (500) instead of passing silently.
   */
  checkResponses?: boolean
  /** Clock of the image quota and failed-auth windows and the manifest cache's TTL (tests pin it; Date.now otherwise). */
  now?: () => number
}

// A caller's x-request-id is echoed when it is short and plain; anything else gets a fresh id.
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'apiKey', '*.apiKey']

export function buildApp (services: AppServices): FastifyInstance {
  const { config } = services
  const app = Fastify({
    ...(services.loggerInstance !== undefined
      ? { loggerInstance: services.loggerInstance }
      : { logger: { level: config.logLevel, redact: REDACTED_LOG_PATHS } }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: (request) => {
      const callerId = request.headers['x-request-id']
      return typeof callerId === 'string' && CALLER_REQUEST_ID.test(callerId) ? callerId : randomUUID()
    },
    // Proxy trust and timeouts: TRUST_PROXY, *_TIMEOUT_MS.
    ...connectionOptions(config.http),
    clientErrorHandler: (error, socket) => { answerClientError(error, socket, app.log) },
    frameworkErrors: answerFrameworkError,
    // Requests arriving while closing get our own 503 envelope (ShutdownDrain), not Fastify's body.
    return503OnClosing: false,
    ...(services.checkResponses === true ? { schemaController: { compilersFactory: { buildSerializer: checkedSerializerFactory() } } } : {})
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.setValidatorCompiler(typeboxValidatorCompiler)
  // Fastify also parses text/plain by default; this API speaks JSON only (anything else is a 415).
  app.removeContentTypeParser('text/plain')
  app.decorateRequest('tenant', null)
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  const drain = new ShutdownDrain()
  drain.install(app)
  app.register(errorHandler)
  app.register(rejectEncodedBodies)
  if (services.checkResponses === true) app.register(documentedStatuses)
  // Before any route, so the document sees them all.
  app.register(openapi, { serverUrl: config.publicBaseUrl ?? '/' })
  const metrics = services.metrics ?? new GatewayMetrics({ processMetrics: false })
  app.register(requestMetrics, { metrics })

  const linkTo = createLinkBuilder(config.links.mode, () => config.publicBaseUrl ?? listeningBaseUrl(app, config.host), config.links.storagePublicUrl)
  // Reads fall back to the spool, where generations wait while durable storage is failing.
  const { durable, readable } = services.storage
  const manifests = new ManifestReader(readable, {
    ttlMs: config.manifestCacheTtlMs,
    now: services.now,
    onUnreadable: (manifestKey, reason) => {
      app.log.warn({ manifestKey, reason }, 'stored generation manifest is unreadable; it is skipped in listings and not served')
      metrics.manifestUnreadable()
    }
  })
  services.manifestInvalidations?.subscribe((key) => manifests.forgetKey(key))
  const announceDeleted = services.manifestInvalidations !== undefined ? services.manifestInvalidations.announce.bind(services.manifestInvalidations) : undefined
  const authenticate = createAuthenticate(services.keys, new AuthFailureThrottle(services.limitStore, config.authFailures, services.now))

  // Public: probes and durable links (the link itself is the capability).
  app.register(healthRoutes, { readiness: new ReadinessChecks({ storage: durable, redis: services.redis, checkTimeoutMs: config.readyTimeoutMs }) })
  app.register(metricsRoutes, { metrics, token: config.metricsToken })
  // Work (downloads and everything a tenant does) is refused once shutdown begins; probes answer.
  app.register(async (imageScope) => {
    imageScope.addHook('onRequest', drain.refuseNewWork)
    imageScope.register(imageRoutes, { images: new PublishedImages(readable, manifests, { redirectTtlSeconds: config.links.mode === 'redirect' ? config.links.presignTtlSeconds : undefined }) })
  })

  // One store for the rate limit that counts requests and for GET /v1/usage that reads them.
  const requestRates = services.rateLimitStore ?? memoryRequestRateStore()
  // Everything a tenant does: authenticated first, then rate-limited per tenant.
  app.register(async (tenantScope) => {
    tenantScope.addHook('onRequest', drain.refuseNewWork)
    tenantScope.addHook('onRequest', authenticate)
    await registerTenantRateLimit(tenantScope, requestRates)
    tenantScope.register(generateRoutes, {
      promptMaxLength: config.promptMaxLength,
      generator: new ImageGenerator({
        router: services.router,
        storage: durable,
        spool: services.spool,
        linkTo,
        defaultModel: config.defaultModel,
        deadlineMs: config.resilience.deadlineMs,
        admission: new ImageAdmission(services.limitStore, { leaseMs: config.inFlightLeaseMs, now: services.now }),
        idempotency: { store: services.idempotencyStore, ttlMs: config.idempotencyTtlMs, leaseMs: config.resilience.generationBudgetMs + 60_000 },
        manifests,
        readImage: async (image) => await storedImageBytes(readable, image.key, image.bytes),
        events: metrics
      })
    })
    tenantScope.register(generationRoutes, { records: new GenerationRecords(readable, manifests, announceDeleted) })
    tenantScope.register(usageRoutes, { usage: new TenantUsage({ limits: services.limitStore, requestRates }, services.now) })
  })
  return app
}

function listeningBaseUrl (app: FastifyInstance, host: string): string {
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const wildcard = host === '0.0.0.0' || host === '::' || host === '::0'
  const shownHost = wildcard ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${shownHost}:${port}`
}
