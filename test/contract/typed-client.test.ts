// A typed client generated from the committed openapi.yaml: generated and typechecked here, so a
// contract change that breaks client code fails the suite, then run against a real gateway.
import { execFile } from 'node:child_process'
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { callEveryEndpoint } from '../clients/every-endpoint.js'
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url))
const run = async (command: string, args: string[]) => await promisify(execFile)(command, args, { cwd: root, timeout: 180_000 })
  .then(({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }), (error: { code?: number, stdout?: string, stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }))

// What `npm run client-types` runs (binary fields typed as Blob, defaults optional in requests).
const generateTypes = async (spec: string, output: string) =>
  await run(bin('tsx'), ['scripts/client-types.ts', spec, output])

t.test('types generated from openapi.yaml typecheck the client code that calls every endpoint', async (t) => {
  const generated = await generateTypes('openapi.yaml', 'test/clients/generated/gateway-api.d.ts')
  t.equal(generated.code, 0, generated.output)
  const typecheck = await run(bin('tsc'), ['-p', 'test/clients/tsconfig.json'])
  t.equal(typecheck.code, 0, typecheck.output)
})

t.test('a contract change that breaks clients fails the typecheck', async (t) => {
  // A copy of the client against a spec where a response field was renamed.
  const dir = fileURLToPath(new URL('../clients/generated/broken/', import.meta.url))
  await rm(dir, { recursive: true, force: true })
  await mkdir(`${dir}generated`, { recursive: true })
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const spec = parse(await readFile(`${root}openapi.yaml`, 'utf8')) as { components: { schemas: { Usage: { properties: Record<string, unknown>, required: string[] } } } }
  const usage = spec.components.schemas.Usage
  usage.properties.request_window = usage.properties.requests
  delete usage.properties.requests
  usage.required = usage.required.map((name) => name === 'requests' ? 'request_window' : name)
  await writeFile(`${dir}openapi.yaml`, stringify(spec))
  t.equal((await generateTypes(`${dir}openapi.yaml`, `${dir}generated/gateway-api.d.ts`)).code, 0)
  await cp(fileURLToPath(new URL('../clients/every-endpoint.ts', import.meta.url)), `${dir}every-endpoint.ts`)
  await cp(fileURLToPath(new URL('../clients/tsconfig.json', import.meta.url)), `${dir}tsconfig.json`)
  await writeFile(`${dir}tsconfig.json`, (await readFile(`${dir}tsconfig.json`, 'utf8')).replace('../../tsconfig.json', '../../../../tsconfig.json'))
  const typecheck = await run(bin('tsc'), ['-p', `${dir}tsconfig.json`])
  t.not(typecheck.code, 0, 'tsc fails')
  t.match(typecheck.output, /requests/, 'naming the field that went away')
})

t.test('the generated client calls every operation in openapi.yaml against a running gateway', async (t) => {
  const env = await startTestGateway(t)
  const report = await callEveryEndpoint(env.url, TEST_KEY)
  const spec = parse(await readFile(`${root}openapi.yaml`, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string }>> }
  const operationIds = Object.values(spec.paths).flatMap((pathItem) => Object.values(pathItem).map((operation) => operation.operationId)).sort()
  t.same(Object.keys(report.statuses).sort(), operationIds, 'every operation was called')
  t.same(report.statuses, {
    createImage: 200,
    generate: 200,
    createImageEdit: 200,
    createImageVariation: 200,
    getImage: 200,
    headImage: 200,
    getGeneration: 200,
    listGenerations: 200,
    getUsage: 200,
    deleteGeneration: 200,
    getHealth: 200,
    getReadiness: 200,
    getMetrics: 200,
    getOpenapiDocument: 200
  })
  t.match(report.generated.data[0]?.url, new RegExp(`^${env.url}/images/`))
  t.ok(report.imageBytes > 0)
  t.equal(report.headLength, String(report.imageBytes), 'HEAD tells the size GET sends')
  t.same(report.listedIds, [report.generatedViaAlias.id, report.generated.id], 'newest first')
  t.ok(report.usedRequests >= 5)
  t.equal(report.missingAfterDelete?.error.code, 'not_found')
  t.equal(report.readiness, 'ready')
  t.match(report.edited.data[0]?.url, new RegExp(`^${env.url}/images/`), 'an edit of a stored image, named by reference')
  t.equal(report.editedByUpload.data.length, 1, 'an edit of an uploaded image (multipart from the typed form)')
  t.equal(report.varied.data.length, 1, 'a variation of an uploaded image')
  t.same(report.streamedTypes, ['image_generation.partial_image', 'image_generation.completed'], 'a streamed generation, read as the typed events')
  t.match(report.streamedCompleted, { url: new RegExp(`^${env.url}/images/`), generationId: /^gen_/, index: 0 })
  const streamedImage = await fetch(report.streamedCompleted?.url ?? '')
  t.equal(streamedImage.status, 200, "the completed event's durable link serves the image")
  await streamedImage.arrayBuffer()
  t.match(report.metrics, /igw_http_requests_total/)
  t.equal(report.documentTitle, 'Image Gateway')
  t.equal(report.unauthorized?.error.code, 'missing_api_key')
})
