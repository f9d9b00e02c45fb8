// The UPLOAD_* settings: their defaults, and a per-file limit above the total refused at start.
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'

t.test('upload limits default to 16 files, 50 MiB a file, 64 MiB in all, 128 KiB a text field', async (t) => {
  t.same(loadConfig({}).uploads, { maxFiles: 16, fileMaxBytes: 52428800, totalMaxBytes: 67108864, fieldMaxBytes: 131072 })
})

t.test('upload limits are read from the environment', async (t) => {
  const { uploads } = loadConfig({ UPLOAD_MAX_FILES: '4', UPLOAD_FILE_MAX_BYTES: '2048', UPLOAD_TOTAL_MAX_BYTES: '4096', UPLOAD_FIELD_MAX_BYTES: '1024' })
  t.same(uploads, { maxFiles: 4, fileMaxBytes: 2048, totalMaxBytes: 4096, fieldMaxBytes: 1024 })
})

t.test('UPLOAD_FILE_MAX_BYTES above UPLOAD_TOTAL_MAX_BYTES is refused at start, naming both', async (t) => {
  t.throws(() => loadConfig({ UPLOAD_FILE_MAX_BYTES: '9000', UPLOAD_TOTAL_MAX_BYTES: '4096' }), new ConfigError('Invalid environment variable UPLOAD_FILE_MAX_BYTES=9000: must be at most UPLOAD_TOTAL_MAX_BYTES (4096)'))
})
