// buildApp registers the gateway's plugins and routes around the services it is given. It builds
// no service, does not listen, start simulators or read the environment: gateway.ts builds the
// services and owns their lifecycle, server.ts and the tests start it.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { GatewayConfig } from './config/load-config.js'
import type { GenerationRecords } from './generation/generation-records.js'
import type { ImageGenerator } from './generation/image-generator.js'
import type { PublishedImages } from './generation/published-images.js'
import type { ReadinessChecks } from './health/readiness-checks.js'
import { answerClientError } from './http/client-error.js'
import { connectionOptions } from './http/connection-options.js'
import { answerFrameworkError } from './http/framework-errors.js'
import type { AuthFailureThrottle } from './limits/auth-failures.js'
import type { RequestRateStore } from './limits/request-rate-store.js'
import type { GatewayMetrics } from './metrics/gateway-metrics.js'
import { createAuthenticate } from './plugins/authenticate.js'
import documentedStatuses from './plugins/documented-statuses.js'
import errorHandler from './plugins/error-handler.js'
import openapi from './plugins/openapi.js'
import rejectEncodedBodies from './plugins/reject-encoded-bodies.js'
import requestMetrics from './plugins/request-metrics.js'
import { ShutdownDrain } from './plugins/shutdown-drain.js'
import { registerTenantRateLimit } from './plugins/tenant-rate-limit.js'
import { editRoutes } from './routes/edits.js'
import { generateRoutes } from './routes/generate.js'
import { generationRoutes } from './routes/generations.js'
import { healthRoutes } from './routes/health.js'
import { imageRoutes } from './routes/images.js'
import { metricsRoutes } from './routes/metrics.js'
import { usageRoutes } from './routes/usage.js'
import type { ImageInputs } from './inputs/image-inputs.js'
import type { KeyDirectory } from './tenants/key-directory.js'
import type { TenantUsage } from './tenants/tenant-usage.js'
import { checkedSerializerFactory } from './validation/checked-serializer.js'
import { typeboxValidatorCompiler } from './validation/typebox-validator.js'

/** The parts of the configuration the app itself reads; services carry their own. */
export type AppConfig = Pick<GatewayConfig, 'bodyLimitBytes' | 'http' | 'publicBaseUrl' | 'metricsToken' | 'promptMaxLength'>

export interface AppServices {
  config: AppConfig
  loggerInstance: FastifyBaseLogger
  /**
   * Tests set this: a response schema that would drop or change a field, or a status a route does
   * not document, fails the request (500) instead of passing silently.
   */
  checkResponses?: boolean
  metrics: GatewayMetrics
  /** The tenants in force (a reload swaps them). */
  keys: () => KeyDirectory
  authFailures: AuthFailureThrottle
  /** The one request-rate store: @fastify/rate-limit counts in it, GET /v1/usage reads it (Redis with many replicas). */
  rateLimitStore: RequestRateStore
  /** What /readyz checks: durable storage and, when configured, Redis. */
  readiness: ReadinessChecks
  /** Durable links: published images, read with the spool as fallback. */
  images: PublishedImages
  /** POST /generate, edits and variations: the generation use case. */
  generator: ImageGenerator
  /** The input images of edits and variations: uploads and references. */
  inputs: ImageInputs
  records: GenerationRecords
  usage: TenantUsage
}

// A caller's x-request-id is echoed when it is short and plain; anything else gets a fresh id.
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function buildApp (services: AppServices): FastifyInstance {
  const { config } = services
  const app = Fastify({
    loggerInstance: services.loggerInstance,
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
  app.register(requestMetrics, { metrics: services.metrics })

  // Public: probes and durable links (the link itself is the capability).
  app.register(healthRoutes, { readiness: services.readiness })
  app.register(metricsRoutes, { metrics: services.metrics, token: config.metricsToken })
  // Work (downloads and everything a tenant does) is refused once shutdown begins; probes answer.
  app.register(async (imageScope) => {
    imageScope.addHook('onRequest', drain.refuseNewWork)
    imageScope.register(imageRoutes, { images: services.images })
  })

  // Everything a tenant does: authenticated first, then rate-limited per tenant.
  app.register(async (tenantScope) => {
    tenantScope.addHook('onRequest', drain.refuseNewWork)
    tenantScope.addHook('onRequest', createAuthenticate(services.keys, services.authFailures))
    await registerTenantRateLimit(tenantScope, services.rateLimitStore)
    tenantScope.register(generateRoutes, { generator: services.generator, promptMaxLength: config.promptMaxLength })
    tenantScope.register(editRoutes, { generator: services.generator, inputs: services.inputs, promptMaxLength: config.promptMaxLength })
    tenantScope.register(generationRoutes, { records: services.records })
    tenantScope.register(usageRoutes, { usage: services.usage })
  })
  return app
}
