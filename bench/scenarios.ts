// What the benchmark measures: each scenario is one request body and the contenders that take
// turns serving it (A B A B …). Gateways run on their full path: a real tenant key, limits set high
// but on, validation, the openai SDK, storage and the manifest.
export const BENCH_KEY = 'igw_bench_key_0123456789abcdef'
export const SIMULATOR_KEY = 'bench-simulator-key'
/** Noise PNGs barely compress, so 640x640x3 bytes of pixels make a ≈1.2 MB file (≈1.6 MB base64). */
export const BIG_SIZE = '640x640'
export const TINY_SIZE = '16x16'

export const EDIT_INPUTS = 4

export type ScenarioName = 'tiny' | 'big' | 'n4' | 's3' | 'redis' | 'edit-4-inputs'

export interface Contender {
  label: string
  kind: 'gateway' | 'baseline'
  /** Extra gateway environment (storage driver, Redis, fsync). */
  env?: Record<string, string>
  needs?: 's3' | 'redis'
}

export interface Scenario {
  name: ScenarioName
  description: string
  /** A JSON body, or the exact bytes of an upload (then `contentType` says what they are). */
  body: Record<string, unknown> | Buffer
  contentType?: string
  /** Where the gateway is sent it (default /generate). */
  path?: string
  /** An edit upload made at run time (bench/edit-upload.ts): `body` holds its text fields until then. */
  upload?: { images: number, bytesEach: number }
  /** Fewer connections than the run's (large uploads held in memory by each request). */
  maxConnections?: number
  imagesPerRequest: number
  contenders: Contender[]
  /** The contender every other one is compared with. */
  reference: string
}

const gateway: Contender = { label: 'gateway', kind: 'gateway' }
const baseline: Contender = { label: 'baseline', kind: 'baseline' }

export const SCENARIOS: Scenario[] = [
  {
    name: 'tiny',
    description: `1 image of ${TINY_SIZE} (≈1 KB PNG), response_format url`,
    body: { prompt: 'bench tiny', size: TINY_SIZE, response_format: 'url' },
    imagesPerRequest: 1,
    contenders: [gateway, baseline],
    reference: 'baseline'
  },
  {
    name: 'big',
    description: `1 image of ${BIG_SIZE} (≈1.2 MB PNG, ≈1.6 MB base64)`,
    body: { prompt: 'bench big', size: BIG_SIZE },
    imagesPerRequest: 1,
    contenders: [gateway, baseline, { label: 'gateway fsync off', kind: 'gateway', env: { STORAGE_FSYNC: 'false' } }],
    reference: 'baseline'
  },
  {
    name: 'n4',
    description: `4 images of ${BIG_SIZE} per request (≈6.5 MB base64)`,
    body: { prompt: 'bench n4', size: BIG_SIZE, n: 4 },
    imagesPerRequest: 4,
    contenders: [gateway, baseline],
    reference: 'baseline'
  },
  {
    name: 's3',
    description: 'big, stored with the S3 driver on s3rver',
    body: { prompt: 'bench big', size: BIG_SIZE },
    imagesPerRequest: 1,
    contenders: [{ label: 'gateway s3', kind: 'gateway', needs: 's3' }, baseline],
    reference: 'baseline'
  },
  {
    name: 'redis',
    description: 'tiny, with Redis-backed limits, against the same gateway with in-memory limits',
    body: { prompt: 'bench tiny', size: TINY_SIZE, response_format: 'url' },
    imagesPerRequest: 1,
    contenders: [{ label: 'gateway redis', kind: 'gateway', needs: 'redis' }, gateway],
    reference: 'gateway'
  },
  {
    name: 'edit-4-inputs',
    description: `an edit with ${EDIT_INPUTS} noise inputs of ≈1.5 MB each (PNG and JPEG, multipart), stored inputs and output; compared with the edit floor`,
    body: { prompt: 'bench edit' },
    path: '/v1/images/edits',
    upload: { images: EDIT_INPUTS, bytesEach: 1_500_000 },
    maxConnections: 8,
    imagesPerRequest: 1,
    contenders: [gateway],
    reference: 'gateway'
  }
]

/** The gateway's environment: defaults everywhere except what a benchmark must set. */
export function gatewayEnv (simulatorUrl: string, dataDir: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    API_KEYS: BENCH_KEY,
    UPSTREAM_BASE_URL: `${simulatorUrl}/v1`,
    UPSTREAM_API_KEY: SIMULATOR_KEY,
    // Limits stay on (every request is counted and checked), just never reached.
    RATE_LIMIT_MAX: '1000000000',
    IMAGES_PER_MINUTE: '1000000000',
    IMAGES_PER_DAY: '1000000000',
    MAX_IN_FLIGHT: '100000'
  }
}

export function baselineEnv (simulatorUrl: string): Record<string, string> {
  return { BASELINE_UPSTREAM_URL: simulatorUrl, BASELINE_UPSTREAM_KEY: SIMULATOR_KEY }
}
