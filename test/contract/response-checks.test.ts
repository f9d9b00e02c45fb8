// The guards the test gateway runs with (checkResponses): a response schema may not drop or change
// what a handler answers, and a route may not answer a status its schema does not document.
import Fastify from 'fastify'
import t from 'tap'
import documentedStatuses from '../../src/plugins/documented-statuses.js'
import { checkedSerializerFactory } from '../../src/validation/checked-serializer.js'

function appWithChecks () {
  const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: checkedSerializerFactory() } } })
  app.register(documentedStatuses)
  const response = { 200: { type: 'object', properties: { kept: { type: 'string' } } } }
  app.get('/exact', { schema: { response } }, async () => ({ kept: 'yes' }))
  app.get('/extra', { schema: { response } }, async () => ({ kept: 'yes', dropped: 'by the schema' }))
  app.get('/teapot', { schema: { response } }, async (_request, reply) => {
    reply.statusCode = 418
    return { kept: 'no' }
  })
  return app
}

t.test('an answer that matches its schema passes unchanged', async (t) => {
  const app = appWithChecks()
  t.teardown(() => app.close())
  const response = await app.inject('/exact')
  t.equal(response.statusCode, 200)
  t.same(response.json(), { kept: 'yes' })
})

t.test('a field the response schema would strip fails the request instead', async (t) => {
  const app = appWithChecks()
  t.teardown(() => app.close())
  const response = await app.inject('/extra')
  t.equal(response.statusCode, 500)
})

t.test('a status the route does not document fails the request, naming it', async (t) => {
  const app = appWithChecks()
  t.teardown(() => app.close())
  const response = await app.inject('/teapot')
  t.equal(response.statusCode, 500)
  t.equal(response.json().error.code, 'undocumented_status')
  t.match(response.json().error.message, /418/)
})
