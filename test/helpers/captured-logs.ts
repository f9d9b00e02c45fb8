// A gateway logger whose lines a test can read (redacted as in production), at debug level.
import { Writable } from 'node:stream'
import { pino, type Logger } from 'pino'
import { REDACTED_LOG_PATHS } from '../../src/gateway.js'

export function capturedLogger (): { logger: Logger, logLines: string[] } {
  const logLines: string[] = []
  const capture = new Writable({
    write (chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter((line) => line.length > 0))
      done()
    }
  })
  return { logger: pino({ level: 'debug', redact: REDACTED_LOG_PATHS }, capture), logLines }
}
