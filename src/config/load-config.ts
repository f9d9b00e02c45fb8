// Reads and validates the environment once, at start-up, into a typed configuration object.
// This is the only module that looks at process.env (through its caller passing it in).
import { Value } from '@sinclair/typebox/value'
import { EnvSchema, type Env } from './env-schema.js'
import { durationMs } from './duration.js'
import type { TenantOperation, TenantPolicy } from '../tenants/tenant.js'
import type { Quality } from '../schemas/generation.js'
import { ConfigError } from './config-error.js'
import { parseTrustProxy } from './trust-proxy.js'

export { ConfigError }

type EnvSource = Record<string, string | undefined>

export function loadConfig (source: EnvSource): GatewayConfig {
  return toGatewayConfig(parseEnv(source))
}

export function parseEnv (source: EnvSource): Env {
  const known = Object.keys(EnvSchema.properties)
  // Only our own variables, and empty strings count as unset (docker-compose writes VAR= for unset).
  const picked: Record<string, string> = {}
  for (const name of known) {
    const raw = source[name]
    if (raw !== undefined && raw !== '') picked[name] = raw
  }
  const withDefaults = Value.Default(EnvSchema, Value.Convert(EnvSchema, { ...picked }))
  const firstError = Value.Errors(EnvSchema, withDefaults).First()
  if (firstError !== undefined) {
    const name = firstError.path.replace(/^\//, '')
    const property = (EnvSchema.properties as Record<string, { description?: string }>)[name]
    const meaning = property?.description !== undefined ? ` (${property.description})` : ''
    throw new ConfigError(`Invalid environment variable ${name}=${JSON.stringify(picked[name] ?? '')}: ${firstError.message}${meaning}`)
  }
  const env = withDefaults as Env
  checkCombinations(env)
  return env
}

// Rules that span variables, stated as errors naming the variable to set.
function checkCombinations (env: Env): void {
  if (env.STORAGE_DRIVER === 's3' && env.S3_BUCKET === undefined) {
    throw new ConfigError('Invalid environment variable S3_BUCKET="": required when STORAGE_DRIVER=s3')
  }
  if (env.LINK_MODE === 'redirect' && env.STORAGE_DRIVER !== 's3') {
    throw new ConfigError('Invalid environment variable LINK_MODE="redirect": needs STORAGE_DRIVER=s3 (it redirects to presigned bucket URLs)')
  }
  if (env.LINK_MODE === 'public' && env.STORAGE_PUBLIC_URL === undefined) {
    throw new ConfigError('Invalid environment variable STORAGE_PUBLIC_URL="": required when LINK_MODE=public')
  }
  // A per-file limit above the total would never be the one that refuses a file.
  if (env.UPLOAD_FILE_MAX_BYTES > env.UPLOAD_TOTAL_MAX_BYTES) {
    throw new ConfigError(`Invalid environment variable UPLOAD_FILE_MAX_BYTES=${env.UPLOAD_FILE_MAX_BYTES}: must be at most UPLOAD_TOTAL_MAX_BYTES (${env.UPLOAD_TOTAL_MAX_BYTES})`)
  }
  // Node's request timeout counts from the request's first byte, so it includes the headers.
  if (env.REQUEST_TIMEOUT_MS < env.HEADERS_TIMEOUT_MS) {
    throw new ConfigError(`Invalid environment variable REQUEST_TIMEOUT_MS=${env.REQUEST_TIMEOUT_MS}: must be at least HEADERS_TIMEOUT_MS (${env.HEADERS_TIMEOUT_MS}); it counts the headers too`)
  }
  // The socket is silent while a generation runs; a shorter idle timeout would cut the answer off.
  const budgetMs = generationBudgetMs(env)
  if (env.CONNECTION_TIMEOUT_MS !== undefined && env.CONNECTION_TIMEOUT_MS <= budgetMs) {
    throw new ConfigError(`Invalid environment variable CONNECTION_TIMEOUT_MS=${env.CONNECTION_TIMEOUT_MS}: must be larger than UPSTREAM_DEADLINE_MS + 3 × STORAGE_OP_TIMEOUT_MS (${budgetMs}), the longest a generation can take, or its silent connection is destroyed before it answers`)
  }
  parseTrustProxy(env.TRUST_PROXY)
}

/**
 * The longest one generation can take before it answers: the provider (UPSTREAM_DEADLINE_MS), then
 * storage — the image writes, the manifest write and, when they fail, the clean-up before the
 * spool — each bounded by STORAGE_OP_TIMEOUT_MS. Connection timeouts and idempotency leases must
 * outlast it, or a slow but successful generation is cut off or run a second time.
 */
function generationBudgetMs (env: Env): number {
  return env.UPSTREAM_DEADLINE_MS + 3 * env.STORAGE_OP_TIMEOUT_MS
}

function splitList (value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item.length > 0)
}

function optionalList<K extends string> (name: K, value: string): Partial<Record<K, string[]>> {
  const items = splitList(value)
  return items.length === 0 ? {} : { [name]: items } as Record<K, string[]>
}

function toGatewayConfig (env: Env) {
  return {
    host: env.HOST,
    port: env.PORT,
    // Filled in by the server once the port is known when PUBLIC_BASE_URL is unset.
    publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL,
    apiKeys: splitList(env.API_KEYS),
    tenantsFile: env.TENANTS_FILE,
    defaultPolicy: {
      rateLimit: { max: env.RATE_LIMIT_MAX, timeWindowMs: durationMs(env.RATE_LIMIT_WINDOW) },
      images: { perMinute: env.IMAGES_PER_MINUTE, perDay: env.IMAGES_PER_DAY },
      maxInFlight: env.MAX_IN_FLIGHT,
      maxN: env.MAX_N,
      storeInputs: env.STORE_INPUTS,
      ...optionalList('models', env.ALLOWED_MODELS),
      ...optionalList('sizes', env.ALLOWED_SIZES),
      ...optionalList('qualities', env.ALLOWED_QUALITIES) as { qualities?: Quality[] },
      ...optionalList('operations', env.ALLOWED_OPERATIONS) as { operations?: TenantOperation[] }
    } satisfies TenantPolicy,
    authFailures: { max: env.AUTH_FAILURES_MAX, windowMs: durationMs(env.AUTH_FAILURES_WINDOW) },
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    uploads: {
      maxFiles: env.UPLOAD_MAX_FILES,
      fileMaxBytes: env.UPLOAD_FILE_MAX_BYTES,
      totalMaxBytes: env.UPLOAD_TOTAL_MAX_BYTES,
      fieldMaxBytes: env.UPLOAD_FIELD_MAX_BYTES
    },
    http: {
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: env.CONNECTION_TIMEOUT_MS ?? generationBudgetMs(env) + 60_000
    },
    promptMaxLength: env.PROMPT_MAX_LENGTH,
    defaultModel: env.DEFAULT_MODEL,
    storage: {
      driver: env.STORAGE_DRIVER,
      dataDir: env.DATA_DIR,
      fsync: env.STORAGE_FSYNC,
      s3: {
        bucket: env.S3_BUCKET ?? '',
        region: env.S3_REGION,
        endpoint: env.S3_ENDPOINT,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        requestTimeoutMs: env.S3_REQUEST_TIMEOUT_MS
      },
      opTimeoutMs: env.STORAGE_OP_TIMEOUT_MS,
      streamIdleMs: env.STORAGE_STREAM_IDLE_MS,
      readyMinFreeBytes: env.READY_MIN_FREE_BYTES
    },
    readyTimeoutMs: env.READY_TIMEOUT_MS,
    orphanSweepMs: env.ORPHAN_SWEEP_MINUTES * 60_000,
    manifestCacheTtlMs: env.MANIFEST_CACHE_TTL_MS,
    spool: {
      dir: env.SPOOL_DIR ?? `${env.DATA_DIR.replace(/\/+$/, '')}/.spool`,
      flushMs: env.SPOOL_FLUSH_MS
    },
    inFlightLeaseMs: env.IN_FLIGHT_LEASE_MS,
    redis: env.REDIS_URL === undefined
      ? undefined
      : {
          url: env.REDIS_URL,
          keyPrefix: env.REDIS_KEY_PREFIX,
          failurePolicy: env.REDIS_FAILURE_POLICY,
          commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS
        },
    idempotencyTtlMs: Math.round(env.IDEMPOTENCY_TTL_HOURS * 3_600_000),
    links: {
      mode: env.LINK_MODE,
      storagePublicUrl: env.STORAGE_PUBLIC_URL?.replace(/\/+$/, ''),
      presignTtlSeconds: env.PRESIGN_TTL_SECONDS
    },
    upstreamsFile: env.UPSTREAMS_FILE,
    resilience: {
      deadlineMs: env.UPSTREAM_DEADLINE_MS,
      generationBudgetMs: generationBudgetMs(env),
      breakerFailures: env.BREAKER_FAILURES,
      breakerCooldownMs: env.BREAKER_COOLDOWN_MS
    },
    upstream: {
      baseUrl: env.UPSTREAM_BASE_URL,
      apiKey: env.UPSTREAM_API_KEY,
      timeoutMs: env.UPSTREAM_TIMEOUT_MS,
      maxRetries: env.UPSTREAM_MAX_RETRIES,
      responseFormat: env.UPSTREAM_RESPONSE_FORMAT as 'auto' | 'b64_json' | 'url' | 'omit',
      downloadTimeoutMs: env.UPSTREAM_DOWNLOAD_TIMEOUT_MS,
      downloadMaxBytes: env.UPSTREAM_DOWNLOAD_MAX_BYTES,
      answerMaxBytes: env.UPSTREAM_ANSWER_MAX_BYTES,
      imageMaxBytes: env.UPSTREAM_IMAGE_MAX_BYTES,
      downloadHosts: splitList(env.UPSTREAM_DOWNLOAD_HOSTS)
    },
    images: {
      maxPixels: env.IMAGE_MAX_PIXELS
    },
    simulator: {
      urlTtlMs: env.SIMULATOR_URL_TTL_SECONDS * 1000,
      latencyMs: env.SIMULATOR_LATENCY_MS
    },
    metricsToken: env.METRICS_TOKEN,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS
  }
}

export type GatewayConfig = ReturnType<typeof toGatewayConfig>
