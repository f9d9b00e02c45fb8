// Entry point: reads the environment and every configuration file it names, starts the gateway, and
// shuts it down gracefully on SIGTERM/SIGINT (in-flight generations finish first, up to
// SHUTDOWN_GRACE_MS). A configuration error is reported as itself, before anything has started.
import { loadConfigFiles } from './config/load-config-files.js'
import { ConfigError, loadConfig } from './config/load-config.js'
import { startGateway } from './gateway.js'

async function main (): Promise<void> {
  let config
  let files
  try {
    config = loadConfig(process.env)
    files = await loadConfigFiles(config, process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exit(1)
    }
    throw error
  }

  const gateway = await startGateway({ config, files, env: process.env })
  const log = gateway.app.log
  if (gateway.devKey !== undefined) {
    // Printed, not logged: log pipelines must never carry keys.
    process.stdout.write(`\nNo API_KEYS set. Development API key for this run:\n\n    ${gateway.devKey}\n\nTry: curl -s ${gateway.url}/generate -H "Authorization: Bearer ${gateway.devKey}" -H 'content-type: application/json' -d '{"prompt":"a lighthouse at dusk"}'\n\n`)
  }

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down; waiting for in-flight requests')
    const deadline = setTimeout(() => {
      log.error('grace period over; exiting with requests still in flight')
      process.exit(1)
    }, config.shutdownGraceMs)
    deadline.unref()
    gateway.close().then(() => {
      log.info('shut down cleanly')
      process.exit(0)
    }, (error: unknown) => {
      log.error({ err: error }, 'error during shutdown')
      process.exit(1)
    })
  }
  process.on('SIGHUP', () => { void gateway.tenants.reload() })
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
