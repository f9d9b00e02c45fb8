// The events a streamed answer really sends are the ones openapi.yaml documents: each event's data
// is checked against the schema the document lists for its event name (through the union's
// discriminator), with no field the schema does not name. Answers come from a gateway running with
// checkResponses, so the streamed replies also pass the response guards.
import { readFile } from 'node:fs/promises'
import type { TObject } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import t, { type Test } from 'tap'
import { parse } from 'yaml'
import { OPENAPI_FILE } from '../../scripts/openapi.js'
import { STREAM_EVENTS, type EventPrefix } from '../../src/schemas/image-events.js'
import { startTestGateway, type TestGateway } from '../helpers/gateway.js'

type Json = Record<string, any>

interface SseEvent { event: string, data: Json }

function parseEvents (text: string): SseEvent[] {
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const lines = block.split('\n')
    const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? ''
    const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)).join('\n')
    return { event, data: JSON.parse(data) as Json }
  })
}

/**
 * The event schemas by event name, as the committed document lists them (through its union's
 * discriminator), each checked to be the TypeBox schema the answer writer is typed with.
 */
async function documentedEvents (t: Test, prefix: EventPrefix, union: string): Promise<Map<string, TObject>> {
  const document = parse(await readFile(OPENAPI_FILE, 'utf8')) as Json
  const schemas = document.components.schemas as Json
  const mapping = schemas[union].discriminator.mapping as Record<string, string>
  const byName = new Map<string, TObject>()
  for (const schema of Object.values(STREAM_EVENTS[prefix]) as TObject[]) {
    const { $id, ...plain } = JSON.parse(JSON.stringify(schema)) as Json
    const type = String(plain.properties.type.const)
    t.equal(mapping[type], `#/components/schemas/${String($id)}`, `${type}: the discriminator maps it`)
    t.same(schemas[$id], plain, `${type}: the document shows the schema the events are built from`)
    byName.set(type, schema)
  }
  return byName
}

// Fields the schema does not name, at the top and one level down (usage, error).
function undocumentedFields (schema: TObject, data: Json, path = ''): string[] {
  return Object.entries(data).flatMap(([name, value]) => {
    const property = schema.properties[name] as TObject | undefined
    if (property === undefined) return [`${path}${name}`]
    const nested = property.properties !== undefined && value !== null && typeof value === 'object'
    return nested ? undocumentedFields(property, value as Json, `${path}${name}.`) : []
  })
}

function checkEvents (t: Test, events: SseEvent[], documented: Map<string, TObject>): void {
  for (const { event, data } of events) {
    const schema = documented.get(event)
    if (schema === undefined) {
      t.fail(`event ${event} is not documented`)
      continue
    }
    t.same([...Value.Errors(schema, data)].map((error) => `${error.path}: ${error.message}`), [], `${event}: the data matches its schema`)
    t.same(undocumentedFields(schema, data), [], `${event}: no field the schema does not name`)
    t.equal(data.type, event, `${event}: its type names the event`)
  }
}

async function stream (t: Test, env: TestGateway, path: string, body: Json): Promise<SseEvent[]> {
  const response = await env.post(path, body)
  t.match(response.headers.get('content-type'), /^text\/event-stream/)
  return parseEvents(await response.text())
}

t.test('a streamed generation sends the documented partial and completed events', async (t) => {
  const env = await startTestGateway(t)
  const events = await stream(t, env, '/v1/images/generations', { prompt: 'documented events', stream: true, partial_images: 2, n: 2 })
  const names = events.map((event) => event.event)
  t.ok(names.includes('image_generation.partial_image'), 'partial images were sent')
  t.same(names.slice(names.indexOf('image_generation.completed')), ['image_generation.completed', 'image_generation.completed'], 'then one completed event per image')
  checkEvents(t, events, await documentedEvents(t, 'image_generation', 'ImageGenerationStreamEvent'))
})

t.test('a streamed edit (inputs by reference) sends the documented image_edit events', async (t) => {
  const env = await startTestGateway(t)
  const generated = await (await env.post('/v1/images/generations', { prompt: 'to edit' })).json() as Json
  const events = await stream(t, env, '/v1/images/edits', { prompt: 'edited', images: [{ generation_id: generated.id, index: 0 }], stream: true, partial_images: 1 })
  t.same(events.map((event) => event.event), ['image_edit.partial_image', 'image_edit.completed'])
  checkEvents(t, events, await documentedEvents(t, 'image_edit', 'ImageEditStreamEvent'))
})

t.test('a failure after the first event is the documented error event', async (t) => {
  const env = await startTestGateway(t)
  env.simulator.pushFault({ kind: 'stream-error', afterPartials: 1, status: 500, message: 'The model crashed' })
  const events = await stream(t, env, '/v1/images/generations', { prompt: 'fails', stream: true, partial_images: 2 })
  t.same(events.map((event) => event.event), ['image_generation.partial_image', 'error'])
  checkEvents(t, events, await documentedEvents(t, 'image_generation', 'ImageGenerationStreamEvent'))
})

t.test('the streaming operations document text/event-stream beside JSON; the others do not', async (t) => {
  const document = parse(await readFile(OPENAPI_FILE, 'utf8')) as Json
  const streamed: Record<string, string> = {}
  for (const [path, pathItem] of Object.entries(document.paths as Json)) {
    for (const operation of Object.values(pathItem as Json) as Json[]) {
      const content = operation.responses?.['200']?.content as Json | undefined
      const events = content?.['text/event-stream']
      if (events === undefined) continue
      t.ok(content?.['application/json'], `${path}: JSON stays the answer without stream`)
      t.ok(Object.keys(events.examples as Json).length >= 3, `${path}: each event has an example`)
      t.ok(operation.responses['200'].headers['x-accel-buffering'], `${path}: the streaming headers are named`)
      streamed[String(operation.operationId)] = String(events.schema.$ref)
    }
  }
  t.same(streamed, {
    createImage: '#/components/schemas/ImageGenerationStreamEvent',
    generate: '#/components/schemas/ImageGenerationStreamEvent',
    createImageEdit: '#/components/schemas/ImageEditStreamEvent'
  })
})
