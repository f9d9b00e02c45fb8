// What the error handler answers for errors that are not GatewayErrors: Fastify's own, with a code
// the catalogue maps or not, and anything unexpected. Pure contract checks, so in-process (inject).
import { Writable } from 'node:stream'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { pino } from 'pino'
import t, { type Test } from 'tap'
import errorHandler from '../../src/plugins/error-handler.js'
import type { Envelope } from '../helpers/envelope.js'

async function appThrowing (t: Test, error: Error, logLines?: string[]): Promise<FastifyInstance> {
  const capture = new Writable({ write (chunk, _encoding, done) { logLines?.push(String(chunk)); done() } })
  const logger: FastifyBaseLogger = pino({ level: logLines === undefined ? 'silent' : 'info' }, capture)
  const app = Fastify({ loggerInstance: logger })
  await app.register(errorHandler)
  app.get('/fails', async () => { throw error })
  t.teardown(() => app.close())
  return app
}

t.test('a Fastify 4xx without a catalogue entry answers 400 bad_request, quoting nothing of Fastify\'s', async (t) => {
  const unknown = Object.assign(new Error("'/v1/secret-path' could not be handled"), { code: 'FST_ERR_SOMETHING_NEW', statusCode: 422 })
  const answer = await (await appThrowing(t, unknown)).inject('/fails')
  t.equal(answer.statusCode, 400)
  t.same(answer.json<Envelope>(), { error: { message: 'The request could not be read.', type: 'invalid_request_error', param: null, code: 'bad_request' } })
})

t.test('a Fastify error the catalogue maps answers with its entry', async (t) => {
  const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })
  const answer = await (await appThrowing(t, tooLarge)).inject('/fails')
  t.equal(answer.statusCode, 413)
  t.same(answer.json<Envelope>().error, { message: 'The request body is larger than this gateway accepts.', type: 'invalid_request_error', param: null, code: 'request_too_large' })
})

t.test('an unexpected error answers 500 internal_error', async (t) => {
  const answer = await (await appThrowing(t, new Error('database password is hunter2'))).inject('/fails')
  t.equal(answer.statusCode, 500)
  t.same(answer.json<Envelope>().error, { message: 'The gateway failed unexpectedly.', type: 'server_error', param: null, code: 'internal_error' })
})

t.test('a Fastify 4xx without a catalogue entry is logged at warn with Fastify\'s code and status, so the entry can be added', async (t) => {
  const logLines: string[] = []
  const unknown = Object.assign(new Error('something new'), { code: 'FST_ERR_SOMETHING_NEW', statusCode: 422 })
  await (await appThrowing(t, unknown, logLines)).inject('/fails')
  const line = logLines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.frameworkCode !== undefined)
  t.match(line, { level: 40, frameworkCode: 'FST_ERR_SOMETHING_NEW', status: 422, msg: /no catalogue entry; answered 400 bad_request/ })
})
