// Every environment variable the gateway reads, with its default and meaning. This schema is the
// single source for validation at start-up and for the configuration table in the README.
import { Type, type Static } from '@sinclair/typebox'

export const DURATION_PATTERN = '^\\d+(\\.\\d+)?\\s*(ms|s|sec|second|seconds|m|min|minute|minutes|h|hr|hour|hours|d|day|days)?$'

const Milliseconds = (defaultValue: number, description: string) =>
  Type.Integer({ minimum: 1, default: defaultValue, description })

export const EnvSchema = Type.Object({
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Interface to listen on.' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'TCP port to listen on (0 = any free port).' }),
  PUBLIC_BASE_URL: Type.Optional(Type.String({
    pattern: '^https?://[^\\s]+$',
    description: 'Base URL that durable image links start with. Default: http://localhost:PORT.'
  })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)), {
    default: 'info', description: 'pino log level.'
  }),
  API_KEYS: Type.String({
    default: '',
    description: 'Comma-separated API keys accepted for the default tenant. Empty: a development key is generated and printed at start.'
  }),
  TENANTS_FILE: Type.Optional(Type.String({ minLength: 1, description: 'YAML or JSON file of tenants, key digests and policies (docs/tenants.md). Reloaded on change and on SIGHUP. Unset: one tenant, `default`, with API_KEYS.' })),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 60, description: 'Default requests per window per tenant.' }),
  RATE_LIMIT_WINDOW: Type.String({ pattern: DURATION_PATTERN, default: '1 minute', description: 'Default request-rate window (e.g. 1 minute, 30s).' }),
  IMAGES_PER_MINUTE: Type.Integer({ minimum: 0, default: 60, description: 'Default images per calendar minute per tenant (a request for n images counts n).' }),
  IMAGES_PER_DAY: Type.Integer({ minimum: 0, default: 1000, description: 'Default images per UTC day per tenant.' }),
  MAX_IN_FLIGHT: Type.Integer({ minimum: 1, default: 8, description: 'Default concurrent generations per tenant.' }),
  MAX_N: Type.Integer({ minimum: 1, maximum: 10, default: 10, description: 'Default largest n per request.' }),
  ALLOWED_MODELS: Type.String({ default: '', description: 'Default comma-separated models a tenant may use. Empty: any.' }),
  ALLOWED_SIZES: Type.String({ default: '', description: 'Default comma-separated sizes a tenant may use. Empty: any.' }),
  ALLOWED_QUALITIES: Type.String({ default: '', pattern: '^((auto|low|medium|high|standard|hd)(\\s*,\\s*(auto|low|medium|high|standard|hd))*)?$', description: 'Default comma-separated qualities a tenant may use (auto, low, medium, high, standard, hd). Empty: any.' }),
  ALLOWED_OPERATIONS: Type.String({ default: '', pattern: '^((generate|edit|variation|stream)(\\s*,\\s*(generate|edit|variation|stream))*)?$', description: 'Default comma-separated operations a tenant may use (generate, edit, variation, stream). Empty: all.' }),
  STORE_INPUTS: Type.Boolean({ default: true, description: 'Store the input images of edits and variations beside their outputs (a tenant policy can say otherwise). The manifest records every input\'s sha256 either way.' }),
  AUTH_FAILURES_MAX: Type.Integer({ minimum: 1, default: 20, description: 'Failed authentications allowed per client address per AUTH_FAILURES_WINDOW before 429.' }),
  AUTH_FAILURES_WINDOW: Type.String({ pattern: DURATION_PATTERN, default: '1 minute', description: 'Window of AUTH_FAILURES_MAX.' }),
  TRUST_PROXY: Type.String({
    default: 'false',
    description: 'Whose X-Forwarded-For names the client (the address the failed-auth throttle counts). false: nobody; the socket address counts. A number n: the n peers nearest the gateway are proxies, so the address is the n-th X-Forwarded-For entry from the right (1 behind one nginx that appends); safe only when nothing but those proxies can reach the gateway. Otherwise comma-separated IPs/CIDRs of the proxies (or loopback, linklocal, uniquelocal). true is refused.'
  }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 262144, description: 'Largest request body accepted; larger bodies get 413.' }),
  UPLOAD_MAX_FILES: Type.Integer({ minimum: 1, maximum: 64, default: 16, description: 'Most input images one multipart edit or variation may upload (a mask comes on top); more is 413 naming the field. OpenAI takes up to 16.' }),
  UPLOAD_FILE_MAX_BYTES: Type.Integer({ minimum: 1024, default: 52428800, description: 'Largest uploaded input file (image or mask); larger is 413 naming the field, refused while it streams. OpenAI takes files under 50 MB.' }),
  UPLOAD_TOTAL_MAX_BYTES: Type.Integer({ minimum: 1024, default: 67108864, description: 'Most bytes of input files one edit or variation may upload (or name by reference) in all; more is 413 naming the field that crossed it. Input images are held in memory until the provider has them, so this bounds the memory of one request: the default (64 MiB) fits one 50 MB file with a mask, or 16 inputs of 4 MB. At least UPLOAD_FILE_MAX_BYTES.' }),
  UPLOAD_FIELD_MAX_BYTES: Type.Integer({ minimum: 1024, default: 131072, description: 'Largest text field of a multipart form (the prompt is the long one: 32000 characters are up to 128 KiB of UTF-8); larger is 413 naming the field.' }),
  HEADERS_TIMEOUT_MS: Milliseconds(10000, 'Longest time from a connection (or request) starting to its headers being complete; past it the answer is 408 and the connection is closed. Also closes connections that send nothing.'),
  REQUEST_TIMEOUT_MS: Milliseconds(30000, 'Longest time to receive one whole request, headers and body, from its first byte; past it the answer is 408 and the connection is closed. The generation that follows is not counted (UPSTREAM_DEADLINE_MS bounds it). At least HEADERS_TIMEOUT_MS.'),
  KEEP_ALIVE_TIMEOUT_MS: Milliseconds(72000, 'How long an idle keep-alive connection stays open after an answer. Keep it above the idle timeout of the load balancer in front (nginx upstream keepalive: 60 s).'),
  CONNECTION_TIMEOUT_MS: Type.Optional(Type.Integer({ minimum: 1, description: 'Longest silence on a connection while its request is handled (a generation sends nothing until it answers), after which the socket is destroyed. Default: UPSTREAM_DEADLINE_MS + 3 × STORAGE_OP_TIMEOUT_MS (the longest a generation can take: provider, then image writes, manifest write and clean-up) + 60000; must be larger than that sum.' })),
  PROMPT_MAX_LENGTH: Type.Integer({ minimum: 1, default: 32000, description: 'Longest prompt accepted, in characters.' }),
  DEFAULT_MODEL: Type.String({ minLength: 1, default: 'gpt-image-1', description: 'Model used when a request names none (a tenant whose allowed models leave it out gets its first allowed model instead).' }),
  STORAGE_DRIVER: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local', description: 'Where images are stored: local (DATA_DIR) or s3 (any S3-compatible bucket).' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Root directory of the local storage driver.' }),
  STORAGE_FSYNC: Type.Boolean({ default: true, description: 'fsync each image file before it is renamed into place (durable across power loss).' }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3, description: 'Bucket (required with STORAGE_DRIVER=s3).' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1', description: 'Bucket region (R2: auto).' }),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Endpoint for S3-compatible stores (MinIO, R2). Unset: AWS. Credentials come from the standard AWS chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the container/instance role.' })),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false, description: 'Path-style URLs (bucket in the path), needed by MinIO and most self-hosted stores.' }),
  S3_REQUEST_TIMEOUT_MS: Milliseconds(15000, 'Timeout of one S3 request (one attempt; the SDK retries up to 3 times). A request past it is aborted and counts as a failure.'),
  STORAGE_OP_TIMEOUT_MS: Milliseconds(30000, 'Overall time limit of one storage operation (a put, a read opening, a listing), across the driver\'s own retries and multipart parts. Past it the operation fails: a write goes to the spool, a read answers 503 with retry-after.'),
  STORAGE_STREAM_IDLE_MS: Milliseconds(15000, 'A stored object being streamed to a client that delivers no bytes for this long is abandoned (the connection is closed) instead of holding the request forever.'),
  READY_TIMEOUT_MS: Milliseconds(2000, 'Time limit of each /readyz check; a check past it reports timeout and the replica is not ready.'),
  READY_MIN_FREE_BYTES: Type.Integer({ minimum: 0, default: 268435456, description: 'Local driver: /readyz reports not ready (storage: disk_full) when the data directory\'s file system has less free space than this (default 256 MiB, room for about 50 generations of 4 large images). 0 turns the check off.' }),
  LINK_MODE: Type.Union([Type.Literal('gateway'), Type.Literal('redirect'), Type.Literal('public')], {
    default: 'gateway',
    description: 'Durable links: gateway (served by the gateway, any driver), redirect (gateway link answering 302 to a fresh presigned URL; s3 only), public (links point at STORAGE_PUBLIC_URL directly).'
  }),
  STORAGE_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Base URL of a public bucket or CDN serving the storage keys (LINK_MODE=public).' })),
  PRESIGN_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 604800, default: 300, description: 'Lifetime of the presigned URLs LINK_MODE=redirect answers with (the link itself never expires).' }),
  ORPHAN_SWEEP_MINUTES: Type.Integer({ minimum: 0, default: 60, description: 'How often generations left without a manifest (crash mid-write) are deleted; 0 turns the sweep off.' }),
  UPSTREAM_BASE_URL: Type.Optional(Type.String({
    pattern: '^https?://[^\\s]+$',
    description: 'OpenAI-compatible API base URL, e.g. https://api.openai.com/v1. Unset: the built-in simulator is started and used.'
  })),
  UPSTREAM_API_KEY: Type.Optional(Type.String({ minLength: 1, description: 'API key sent to the upstream provider.' })),
  SPOOL_DIR: Type.Optional(Type.String({ minLength: 1, description: 'Local directory where generations wait when durable storage fails. Default: DATA_DIR/.spool.' })),
  SPOOL_FLUSH_MS: Milliseconds(2000, 'First retry delay of the spool flusher (doubles while storage keeps failing, up to a minute).'),
  IN_FLIGHT_LEASE_MS: Type.Integer({ minimum: 1000, default: 30000, description: 'Lease of one in-flight slot (ms), renewed every third of it while the generation runs; a replica that dies frees its slots after this.' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://[^\\s]+$', description: 'Redis (redis:// or rediss:// for TLS) holding the shared state of many replicas: rate limits, image quotas, in-flight slots, failed-auth counts, idempotency records. Unset: per-process memory (one replica).' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, default: 'igw:', description: 'Prefix of every key the gateway writes to Redis (several deployments can share one Redis).' }),
  REDIS_FAILURE_POLICY: Type.Union([Type.Literal('fail-closed'), Type.Literal('fail-open')], { default: 'fail-closed', description: 'While Redis is unreachable: fail-closed answers 503 shared_state_unavailable (limits never loosen); fail-open falls back to per-process limits (logged and counted).' }),
  REDIS_COMMAND_TIMEOUT_MS: Milliseconds(1000, 'Longest wait for one Redis command; past it the command counts as a Redis failure. After a failure Redis is bypassed (REDIS_FAILURE_POLICY applies at once) until a background probe gets an answer, so a hung Redis adds at most about this much to a request, not this much per command.'),
  MANIFEST_CACHE_TTL_MS: Type.Integer({ minimum: 0, default: 5000, description: 'How long a replica serves a generation manifest from its memory before reading it from storage again (0: every read goes to storage). Bounds how long another replica may still serve a deleted generation; with REDIS_URL a delete also tells every replica at once.' }),
  IDEMPOTENCY_TTL_HOURS: Type.Number({ exclusiveMinimum: 0, default: 24, description: 'How long an Idempotency-Key and its answer are kept.' }),
  UPSTREAMS_FILE: Type.Optional(Type.String({ minLength: 1, description: 'YAML or JSON file of named upstreams and model routes with fallbacks (docs/upstreams.md). Unset: one upstream from the UPSTREAM_* variables.' })),
  UPSTREAM_DEADLINE_MS: Milliseconds(300000, 'Overall time limit of one generation across attempts, retries and fallbacks; past it the answer is 504.'),
  BREAKER_FAILURES: Type.Integer({ minimum: 1, default: 5, description: 'Consecutive failed calls after which an upstream is skipped (circuit open).' }),
  BREAKER_COOLDOWN_MS: Milliseconds(30000, 'How long an open circuit skips its upstream before one probe call is let through.'),
  UPSTREAM_TIMEOUT_MS: Milliseconds(180000, 'Timeout of one upstream attempt (image models can take minutes).'),
  UPSTREAM_MAX_RETRIES: Type.Integer({ minimum: 0, maximum: 10, default: 2, description: 'Retries of the openai SDK on connection errors, 408, 409, 429 and 5xx.' }),
  UPSTREAM_RESPONSE_FORMAT: Type.Union(['auto', 'b64_json', 'url', 'omit'].map((format) => Type.Literal(format)), {
    default: 'auto',
    description: 'response_format the gateway asks the provider for. auto: b64_json for dall-e models, none for GPT image models (they always answer base64 and reject the parameter).'
  }),
  UPSTREAM_DOWNLOAD_TIMEOUT_MS: Milliseconds(30000, 'Time limit for downloading an image the upstream answered with a URL.'),
  UPSTREAM_DOWNLOAD_MAX_BYTES: Type.Integer({ minimum: 1024, default: 52428800, description: 'Largest image the gateway downloads from an upstream URL.' }),
  UPSTREAM_ANSWER_MAX_BYTES: Type.Integer({ minimum: 1024, default: 268435456, description: 'Largest answer body read from an upstream (JSON with base64 images); past it the read stops and the answer is 502 upstream_answer_too_large. The default (256 MiB) holds ten 19 MB images as base64.' }),
  UPSTREAM_IMAGE_MAX_BYTES: Type.Integer({ minimum: 1024, default: 52428800, description: 'Largest image an upstream may send inline (decoded b64_json); larger is 502 upstream_image_too_large. Same default as UPSTREAM_DOWNLOAD_MAX_BYTES.' }),
  IMAGE_MAX_PIXELS: Type.Integer({ minimum: 1, default: 16777216, description: 'Most pixels (width × height, from the image header) an upstream image may have; more is 502 upstream_invalid_image, refused before anything decodes it. Default 4096² (the largest model size, 3840×2160, fits).' }),
  UPSTREAM_DOWNLOAD_HOSTS: Type.String({
    default: '',
    description: 'Comma-separated extra hosts image URLs may be downloaded from. The upstream base URL\'s host is always allowed.'
  }),
  SIMULATOR_URL_TTL_SECONDS: Type.Integer({ minimum: 1, default: 3600, description: 'Lifetime of image URLs issued by the built-in simulator.' }),
  SIMULATOR_LATENCY_MS: Type.Integer({ minimum: 0, default: 0, description: 'Delay the built-in simulator adds to every generation (to feel a real provider\'s pace).' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. Unset: /metrics is public (keep it off the public network).' })),
  SHUTDOWN_GRACE_MS: Milliseconds(190000, 'On SIGTERM/SIGINT, how long in-flight requests may run before the process exits.')
})

export type Env = Static<typeof EnvSchema>
