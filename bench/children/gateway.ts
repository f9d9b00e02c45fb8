// Benchmark child: the real gateway, configured from the environment exactly as `npm start` is.
import { loadConfig } from '../../src/config/load-config.js'
import { startGateway } from '../../src/gateway.js'
import { serveParent } from './serve-parent.js'

const gateway = await startGateway({ config: loadConfig(process.env), env: process.env })
serveParent({ url: gateway.url, close: async () => await gateway.close() })
