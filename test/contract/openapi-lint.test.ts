import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

const root = fileURLToPath(new URL('../..', import.meta.url))
const redocly = fileURLToPath(new URL('../../node_modules/.bin/redocly', import.meta.url))

t.test('openapi.yaml lints clean with redocly (recommended-strict, offline)', async (t) => {
  const result = await promisify(execFile)(redocly, ['lint', 'openapi.yaml', '--format', 'stylish'], {
    cwd: root,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    timeout: 90_000
  }).then(({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }), (error: { code?: number, stdout?: string, stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }))
  t.equal(result.code, 0, result.output)
  t.match(result.output, /Your API description is valid/)
  t.notMatch(result.output, /You have \d+ warnings?/, 'no warnings either')
})
