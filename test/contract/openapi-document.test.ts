import { readFile } from 'node:fs/promises'
import t from 'tap'
import { parse } from 'yaml'
import { OPENAPI_FILE, openapiDocument, openapiYaml } from '../../scripts/openapi.js'
import { editRequestSchema, MAX_EDIT_IMAGES, variationRequestSchema } from '../../src/schemas/edit.js'
import { buildTestApp } from '../helpers/app.js'
import { TEST_KEY } from '../helpers/gateway.js'

type Json = Record<string, any>
const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete']

t.test('the committed openapi.yaml is what `npm run openapi` generates from the code', async (t) => {
  const committed = await readFile(OPENAPI_FILE, 'utf8')
  const generated = await openapiYaml()
  t.ok(committed === generated, 'openapi.yaml is stale: run `npm run openapi` and commit the result')
})

t.test('generating the document twice gives the same bytes', async (t) => {
  t.equal(await openapiYaml(), await openapiYaml())
})

t.test('every operation is named, tagged and documents its answers with the OpenAI error envelope', async (t) => {
  const document = await openapiDocument() as Json
  for (const [path, pathItem] of Object.entries(document.paths as Json)) {
    for (const method of METHODS.filter((candidate) => pathItem[candidate] !== undefined)) {
      const operation = pathItem[method] as Json
      const where = `${method.toUpperCase()} ${path}`
      t.type(operation.operationId, 'string', `${where} has an operationId`)
      t.type(operation.summary, 'string', `${where} has a summary`)
      t.equal(operation.tags?.length, 1, `${where} has a tag`)
      const statuses = Object.keys(operation.responses as Json)
      t.ok(statuses.some((status) => status.startsWith('2')), `${where} documents its success`)
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        t.not(response.description, 'Default Response', `${where} ${status} is described`)
        // Exceptions with their own bodies: readiness (its checks) and 416 (no body, a content-range).
        if (Number(status) >= 400 && path !== '/readyz' && status !== '416') {
          t.match(response.$ref, /^#\/components\/responses\//, `${where} ${status} is the shared error answer`)
        }
        if (response.$ref === undefined) t.ok(response.headers?.['x-request-id'], `${where} ${status} names x-request-id`)
      }
    }
  }
})

t.test('tenant operations need a key (Bearer or x-api-key); probes, metrics, images and the document are public', async (t) => {
  const document = await openapiDocument() as Json
  t.same(document.security, [{ bearerAuth: [] }, { apiKeyHeader: [] }])
  t.same(Object.keys(document.components.securitySchemes).sort(), ['apiKeyHeader', 'bearerAuth', 'metricsToken'])
  const publicOperations: string[] = []
  for (const [path, pathItem] of Object.entries(document.paths as Json)) {
    for (const method of METHODS.filter((candidate) => pathItem[candidate] !== undefined)) {
      const security = pathItem[method].security as unknown[] | undefined
      const anonymousAllowed = security !== undefined && (security.length === 0 || security.some((requirement) => Object.keys(requirement as Json).length === 0))
      if (anonymousAllowed) publicOperations.push(`${method.toUpperCase()} ${path}`)
    }
  }
  t.same(publicOperations.sort(), [
    'GET /healthz', 'GET /images/{prefix}/{generationId}/{file}', 'GET /metrics', 'GET /openapi.json', 'GET /readyz', 'HEAD /images/{prefix}/{generationId}/{file}'
  ])
  const createImage = document.paths['/v1/images/generations'].post as Json
  t.ok(createImage.parameters.some((parameter: Json) => parameter.$ref === '#/components/parameters/IdempotencyKey'), 'generation takes an Idempotency-Key')
  t.equal(document.components.parameters.IdempotencyKey.name, 'Idempotency-Key')
  // The last two come with a streamed answer (stream: true) only.
  t.same(Object.keys(createImage.responses['200'].headers), ['x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'idempotent-replayed', 'cache-control', 'x-accel-buffering'])
})

t.test('GET /openapi.json serves the same document, with the serving gateway as its server', async (t) => {
  const { app } = await buildTestApp(t)
  const response = await app.inject('/openapi.json')
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^application\/json/)
  const served = response.json<Json>()
  const committed = parse(await readFile(OPENAPI_FILE, 'utf8')) as Json
  t.same(served.servers, [{ url: '/', description: 'The server this document is served from.' }])
  t.same({ ...served, servers: undefined }, { ...committed, servers: undefined })
})

t.test('GET /docs serves Swagger UI for the document', async (t) => {
  const { app } = await buildTestApp(t)
  const page = await app.inject('/docs')
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  t.match(page.body, /swagger-ui/i)
  const initializer = await app.inject('/docs/static/swagger-initializer.js')
  t.equal(initializer.statusCode, 200)
  const spec = (await app.inject('/docs/json')).json<Json>()
  t.equal(spec.info.title, 'Image Gateway')
})

// The multipart forms are written by the document pass (Fastify validates no multipart body), from
// the schemas the form reader checks: same fields, types and limits as the reader and the JSON edit.
t.test('edits and variations document their multipart forms: the reader\'s text fields, the files as binary with their types', async (t) => {
  const document = await openapiDocument() as Json
  const schemas = document.components.schemas as Json
  const edit = document.paths['/v1/images/edits'].post.requestBody.content as Json
  t.same(Object.keys(edit), ['application/json', 'multipart/form-data'], 'an edit takes JSON (by reference) or a multipart upload')
  t.same(edit['multipart/form-data'].schema, { $ref: '#/components/schemas/EditForm' })
  t.same(edit['multipart/form-data'].encoding, {
    image: { contentType: 'image/png, image/jpeg, image/webp' },
    'image[]': { contentType: 'image/png, image/jpeg, image/webp' },
    mask: { contentType: 'image/png' }
  })
  const form = schemas.EditForm as Json
  const { images: _images, mask: _mask, ...byReferenceFields } = schemas.EditByReference.properties as Json
  const { image, 'image[]': imageList, mask, ...textFields } = form.properties as Json
  t.same(textFields, byReferenceFields, 'the text fields are the JSON edit\'s, with the same types, enums and limits')
  t.same(Object.keys(textFields).sort(), Object.keys(editRequestSchema(32_000).properties).sort(), 'and exactly the fields the form reader accepts')
  t.same(image, { type: 'string', format: 'binary', description: image.description })
  t.match(imageList, { type: 'array', maxItems: MAX_EDIT_IMAGES, items: { type: 'string', format: 'binary' } })
  t.match(mask, { type: 'string', format: 'binary' })
  t.same(form.required, ['prompt'])
  t.same(form.allOf[0].anyOf.map((alternative: Json) => alternative.required), [['image'], ['image[]']], 'one of image or image[] is required')
  t.equal(form.additionalProperties, false, 'an unknown field is refused')

  const variation = document.paths['/v1/images/variations'].post.requestBody as Json
  t.equal(variation.required, true)
  t.same(Object.keys(variation.content), ['multipart/form-data'], 'a variation is an upload only')
  t.same(variation.content['multipart/form-data'].encoding, { image: { contentType: 'image/png' } })
  const variationForm = schemas.VariationForm as Json
  t.same(Object.keys(variationForm.properties).sort(), [...Object.keys(variationRequestSchema().properties), 'image'].sort())
  t.same(variationForm.required, ['image'])
  t.same(variationForm.properties.size.enum, ['256x256', '512x512', '1024x1024'])
})

t.test('a multipart edit is not validated as a JSON body by Fastify: its fields reach the form reader', async (t) => {
  const { app } = await buildTestApp(t)
  const boundary = 'typed-boundary'
  const body = [`--${boundary}`, 'Content-Disposition: form-data; name="prompt"', '', 'x', `--${boundary}--`, ''].join('\r\n')
  const response = await app.inject({ method: 'POST', url: '/v1/images/edits', payload: body, headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': `multipart/form-data; boundary=${boundary}` } })
  t.equal(response.statusCode, 400)
  t.equal(response.json().error.param, 'image', 'the form reader answered (no image), not a body schema')
})
