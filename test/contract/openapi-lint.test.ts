import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { parse } from 'yaml'

const rootUrl = new URL('../../', import.meta.url)
const root = fileURLToPath(rootUrl)
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

// Generated clients and gateways validate the document with other tools than redocly; each has its
// own copy of the OpenAPI 3.1 schema, and they disagree at the edges.
t.test('openapi.yaml validates with swagger-cli (its bundled 3.1 schema rejected a server variable description)', async (t) => {
  const swaggerCli = fileURLToPath(new URL('../../node_modules/.bin/swagger-cli', import.meta.url))
  const result = await promisify(execFile)(swaggerCli, ['validate', 'openapi.yaml'], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, timeout: 90_000 })
    .then(({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }), (error: { code?: number, stdout?: string, stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }))
  t.equal(result.code, 0, result.output)
  t.match(result.output, /openapi\.yaml is valid/)
})

t.test('openapi.yaml validates against the OpenAPI 3.1 JSON schema (@seriousme/openapi-schema-validator)', async (t) => {
  const document = parse(await readFile(new URL('openapi.yaml', rootUrl), 'utf8')) as Record<string, unknown>
  const validator = new Validator()
  const result = await validator.validate(document)
  t.same(result.errors, undefined, 'no schema errors')
  t.equal(result.valid, true)
  t.equal(validator.version, '3.1', 'checked as OpenAPI 3.1')
})
