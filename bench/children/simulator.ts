// Benchmark child: the upstream simulator in its own process, noise images (incompressible, so a
// PNG's size is its raw size), encoded answers cached so it is never the bottleneck; a pause
// between streamed events when asked (SIM_STREAM_GAP_MS).
import { startSimulator } from '../../src/simulator/index.js'
import { serveParent } from './serve-parent.js'

const simulator = await startSimulator({
  apiKey: process.env.SIM_API_KEY,
  latencyMs: Number(process.env.SIM_LATENCY_MS ?? '0'),
  imageKind: 'noise',
  cacheAnswers: true,
  streamGapMs: Number(process.env.SIM_STREAM_GAP_MS ?? '0')
})
serveParent({ url: simulator.url, close: async () => await simulator.close() })
