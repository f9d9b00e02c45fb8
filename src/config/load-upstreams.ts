// Resolves the upstream providers and model routes: from UPSTREAMS_FILE when set, else one
// upstream, `default`, from the UPSTREAM_* variables, serving every model. Provider keys are read
// from the environment variables the file names.
import { readFileSync } from 'node:fs'
import { Value } from '@sinclair/typebox/value'
import { parse as parseYaml } from 'yaml'
import { UpstreamsFileSchema } from '../schemas/upstreams-file.js'
import { quotedValue, readablePath } from './file-path.js'
import { ConfigError, type GatewayConfig } from './load-config.js'

export interface UpstreamSettings {
  name: string
  baseUrl?: string // unset only for the default upstream when the simulator stands in
  apiKey?: string
  timeoutMs: number
  maxRetries: number
  responseFormat: 'auto' | 'b64_json' | 'url' | 'omit'
  downloadHosts: string[]
  /** The provider can stream partial images (models named dall-e-* are never streamed). */
  stream: boolean
}

export interface RouteTarget { upstream: string, model?: string }

export interface UpstreamPlan {
  upstreams: UpstreamSettings[]
  /** Model → ordered targets; '*' catches every other model. */
  routes: Map<string, RouteTarget[]>
}

export function loadUpstreamPlan (config: Pick<GatewayConfig, 'upstream' | 'upstreamsFile'>, env: Record<string, string | undefined>): UpstreamPlan {
  const defaults = config.upstream
  if (config.upstreamsFile === undefined) {
    return {
      upstreams: [{ name: 'default', baseUrl: defaults.baseUrl, apiKey: defaults.apiKey, timeoutMs: defaults.timeoutMs, maxRetries: defaults.maxRetries, responseFormat: defaults.responseFormat, downloadHosts: defaults.downloadHosts, stream: true }],
      routes: new Map([['*', [{ upstream: 'default' }]]])
    }
  }
  const filePath = config.upstreamsFile
  let parsed: unknown
  try {
    parsed = parseYaml(readFileSync(filePath, 'utf8'))
  } catch (error) {
    throw new ConfigError(`Invalid UPSTREAMS_FILE ${filePath}: cannot be read as YAML/JSON: ${(error as Error).message}`)
  }
  const firstError = Value.Errors(UpstreamsFileSchema, parsed).First()
  if (firstError !== undefined) throw new ConfigError(`Invalid UPSTREAMS_FILE ${filePath}: ${readablePath(firstError.path)}: ${firstError.message}${quotedValue(firstError.value)}`)
  const file = Value.Cast(UpstreamsFileSchema, parsed)
  const names = new Set<string>()
  const upstreams = file.upstreams.map((entry, index): UpstreamSettings => {
    if (names.has(entry.name)) throw new ConfigError(`Invalid UPSTREAMS_FILE ${filePath}: upstreams[${index}].name: upstream "${entry.name}" appears twice`)
    names.add(entry.name)
    const apiKey = entry.apiKeyEnv !== undefined ? env[entry.apiKeyEnv] : undefined
    if (entry.apiKeyEnv !== undefined && (apiKey === undefined || apiKey === '')) {
      throw new ConfigError(`Invalid environment variable ${entry.apiKeyEnv}="": upstream "${entry.name}" takes its key from it`)
    }
    return {
      name: entry.name,
      baseUrl: entry.baseUrl,
      apiKey,
      timeoutMs: entry.timeoutMs ?? defaults.timeoutMs,
      maxRetries: entry.maxRetries ?? defaults.maxRetries,
      responseFormat: entry.responseFormat ?? defaults.responseFormat,
      downloadHosts: entry.downloadHosts ?? defaults.downloadHosts,
      stream: entry.stream ?? true
    }
  })
  const routes = new Map<string, RouteTarget[]>()
  for (const [routeIndex, route] of file.routes.entries()) {
    for (const [targetIndex, target] of route.targets.entries()) {
      if (!names.has(target.upstream)) throw new ConfigError(`Invalid UPSTREAMS_FILE ${filePath}: routes[${routeIndex}].targets[${targetIndex}].upstream: route "${route.model}" names unknown upstream "${target.upstream}"`)
    }
    routes.set(route.model, route.targets)
  }
  return { upstreams, routes }
}
