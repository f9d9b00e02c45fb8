// Streamed answers in the OpenAPI document: the 200 of an operation that takes `stream: true` gains a
// `text/event-stream` media type beside application/json, whose schema is the union of the events
// the stream can carry (schemas/image-events.ts, the same types the answer writer builds). Added
// here rather than as a Fastify response schema: a streamed reply bypasses serialization, and a
// per-content-type response schema would only change how JSON answers are serialized.
import { STREAM_EVENTS, type EventPrefix } from '../schemas/image-events.js'

type Json = Record<string, any>

/** The route schema key naming the events of its stream (read and removed by finishDocument). */
export const EVENT_STREAM = 'x-event-stream'

/** Spread into a route schema: with `stream: true` the route answers these events. */
export function streamsEvents (prefix: EventPrefix): Record<string, unknown> {
  return { [EVENT_STREAM]: prefix }
}

const plain = (schema: unknown): Json => JSON.parse(JSON.stringify(schema)) as Json
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const unionName = (prefix: EventPrefix) => prefix === 'image_generation' ? 'ImageGenerationStreamEvent' : 'ImageEditStreamEvent'

const FRAMING = 'With `stream: true` the answer is server-sent events (content-type text/event-stream): each event is an `event: <type>` line, a `data: <JSON>` line and a blank line, the JSON\'s `type` repeating the event name. Partial images come as the provider sends them, then one completed event per image, each sent once that image is stored and carrying its durable url and generation_id. A failure before the first event is an ordinary HTTP error answer; after it, an `error` event ends the stream. Fallback to another upstream happens only before the first event.'

// Each event of the stream as a named component, and their union (discriminated by `type`);
// the examples of the media type are the events' own.
function addEventSchemas (prefix: EventPrefix, schemas: Json): Json {
  const events = STREAM_EVENTS[prefix]
  const examples: Json = {}
  const mapping: Json = {}
  for (const [key, schema] of [['partial_image', events.partialImage], ['completed', events.completed], ['error', events.error]] as const) {
    const { $id, ...rest } = plain(schema)
    const type = rest.properties.type.const as string
    schemas[$id] = rest
    mapping[type] = `#/components/schemas/${String($id)}`
    examples[key] = { summary: `event: ${type}`, value: rest.examples[0] }
  }
  schemas[unionName(prefix)] = {
    description: `One event of a streamed ${prefix === 'image_generation' ? 'generation' : 'edit'}. ${FRAMING}`,
    oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'type', mapping }
  }
  return examples
}

/** Adds the text/event-stream answer to the operation's 200, its events as named components. */
export function addEventStreamAnswer (operation: Json, schemas: Json): void {
  const prefix = operation[EVENT_STREAM] as EventPrefix | undefined
  delete operation[EVENT_STREAM]
  if (prefix === undefined) return
  const success = operation.responses?.['200']
  if (success?.content === undefined) throw new Error(`${String(operation.operationId)} streams events but documents no 200 answer`)
  const examples = addEventSchemas(prefix, schemas)
  success.description = `${String(success.description)} ${FRAMING}`
  success.content['text/event-stream'] = { schema: ref(unionName(prefix)), examples }
  success.headers = { ...success.headers, ...STREAM_HEADERS }
}

// What EVENT_STREAM_HEADERS (routes/event-stream-answer.ts) adds to a streamed answer.
const STREAM_HEADERS: Json = {
  'cache-control': { description: 'Streamed answers (text/event-stream) only: `no-cache`.', schema: { type: 'string', enum: ['no-cache'] } },
  'x-accel-buffering': { description: 'Streamed answers (text/event-stream) only: `no`, so nginx and proxies that honour it pass each event on at once.', schema: { type: 'string', enum: ['no'] } }
}
