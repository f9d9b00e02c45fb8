// Reads every configuration file the environment names (TENANTS_FILE, UPSTREAMS_FILE) strictly,
// right after the environment and before anything starts: a broken file is a ConfigError naming
// the variable, the file, the place inside it and the problem, and nothing is left to clean up.
import { loadTenantsFile, TenantsFileError } from '../tenants/load-tenants.js'
import type { KeyDirectory } from '../tenants/key-directory.js'
import { ConfigError, type GatewayConfig } from './load-config.js'
import { loadUpstreamPlan, type UpstreamPlan } from './load-upstreams.js'

export interface ConfigFiles {
  /** The tenants file's tenants; unset without TENANTS_FILE (the default tenant is built at start). */
  tenants?: KeyDirectory
  upstreams: UpstreamPlan
}

export async function loadConfigFiles (config: Pick<GatewayConfig, 'upstream' | 'upstreamsFile' | 'tenantsFile' | 'defaultPolicy'>, env: Record<string, string | undefined>): Promise<ConfigFiles> {
  const upstreams = loadUpstreamPlan(config, env)
  if (config.tenantsFile === undefined) return { upstreams }
  try {
    return { tenants: await loadTenantsFile(config.tenantsFile, config.defaultPolicy), upstreams }
  } catch (error) {
    if (error instanceof TenantsFileError) throw new ConfigError(`Invalid TENANTS_FILE ${error.message}`)
    throw error
  }
}
