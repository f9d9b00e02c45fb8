// Answers a streamed image call (`stream: true`) with server-sent events in OpenAI's shapes, so the
// SDKs' stream iterators work unchanged: `<prefix>.partial_image` events as the provider sends them,
// then one `<prefix>.completed` event per stored image, each with its durable link. The headers go
// with the first event: anything that fails before it (policy, quota, a provider that failed before
// streaming) is an ordinary HTTP error answer, which the SDKs raise as they would for OpenAI.
// After it, a failure can only be an `error` event. The generation never depends on the client:
// one that goes away mid-stream stops receiving, and the images are still stored.
import { PassThrough } from 'node:stream'
import type { FastifyError, FastifyReply } from 'fastify'
import type { GenerationOutcome } from '../generation/image-generator.js'
import { logAnswered, toGatewayError } from '../plugins/error-handler.js'
import type { GenerateResponse } from '../schemas/generation.js'
import type { CompletedEvent, EventPrefix, ImageStreamErrorEvent, PartialImageEvent } from '../schemas/image-events.js'
import type { PartialImage } from '../upstream/upstream.js'

export type { EventPrefix }

export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx (and proxies that honour it) pass each event on at once instead of buffering the answer.
  'x-accel-buffering': 'no'
}

// Partial images are previews: past this much unsent backlog (a client that does not read) they
// are dropped rather than queued. Completed events are never dropped; they wait for the client.
const PARTIAL_BACKLOG_MAX_BYTES = 8 * 1024 * 1024

export interface EventStreamOptions {
  /** Most partial images the caller asked for (partial_images × n); a provider sending more is not passed on. */
  maxPartials: number
}

export async function answerWithEvents (
  reply: FastifyReply,
  prefix: EventPrefix,
  options: EventStreamOptions,
  run: (onPartial: (partial: PartialImage) => void) => Promise<GenerationOutcome>
): Promise<FastifyReply> {
  const events = new PassThrough()
  // A client that leaves before the first event closes the response while nothing is sent yet;
  // sending then would fail inside Fastify and be logged as a 500.
  let clientLeft = false
  reply.raw.once('close', () => { clientLeft = !reply.raw.writableFinished })
  let started = false
  let partials = 0
  const start = (): boolean => {
    if (started) return true
    if (clientLeft || reply.raw.destroyed) return false
    started = true
    void reply.headers(EVENT_STREAM_HEADERS).send(events)
    return true
  }
  // Every event is one of the documented shapes (schemas/image-events.ts, in the OpenAPI document).
  const write = (type: string, data: PartialImageEvent | CompletedEvent | ImageStreamErrorEvent): boolean => {
    // A client that left has closed the stream; the generation goes on without it.
    if (!start() || events.destroyed || events.writableEnded) return true
    return events.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  const onPartial = (partial: PartialImage): void => {
    if (++partials > options.maxPartials || events.writableLength > PARTIAL_BACKLOG_MAX_BYTES) return
    write(`${prefix}.partial_image`, partialEvent(prefix, partial))
  }
  try {
    const { response, replayed } = await run(onPartial)
    if (replayed && !started) reply.header('idempotent-replayed', 'true')
    for (const [index, image] of response.data.entries()) {
      if (!write(`${prefix}.completed`, completedEvent(prefix, response, index, image))) await drained(events)
    }
  } catch (error) {
    if (!started && !clientLeft) throw error // answered by the error handler, with its status
    const gatewayError = toGatewayError(error as FastifyError)
    reply.request.answeredError = { status: gatewayError.status, code: gatewayError.code }
    logAnswered(reply.log, error, gatewayError)
    const errorEvent: ImageStreamErrorEvent = { type: 'error', ...gatewayError.envelope() }
    write('error', errorEvent)
  }
  if (!start()) {
    // Nobody to answer: the outcome (stored images, or the failure just logged) stands without them.
    reply.log.info('client left before the event stream began; the generation ran to its end')
    reply.hijack()
    return reply
  }
  events.end()
  return reply
}

/** Resolves when the stream can take more, or is gone (a client that left). */
async function drained (stream: PassThrough): Promise<void> {
  if (stream.destroyed) return
  await new Promise<void>((resolve) => {
    const done = (): void => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.once('drain', done)
    stream.once('close', done)
  })
}

function partialEvent (prefix: EventPrefix, partial: PartialImage): PartialImageEvent {
  return {
    type: `${prefix}.partial_image`,
    b64_json: partial.b64,
    partial_image_index: partial.partialImageIndex,
    created_at: partial.createdAt ?? Math.floor(Date.now() / 1000),
    ...partial.described
  }
}

// OpenAI's completed event, plus the gateway's own fields: which generation stored the image, its
// index there and its durable link (SDKs pass unknown fields through).
function completedEvent (prefix: EventPrefix, response: GenerateResponse, index: number, image: GenerateResponse['data'][number]): CompletedEvent {
  // A streamed call always asks for base64 (the use case's wantsBase64); the event promises it.
  if (image.b64_json === undefined) throw new Error(`The streamed answer's image ${index} has no base64 for its completed event.`)
  return {
    type: `${prefix}.completed`,
    b64_json: image.b64_json,
    created_at: response.created,
    ...(response.background !== undefined ? { background: response.background } : {}),
    ...(response.output_format !== undefined ? { output_format: response.output_format } : {}),
    ...(response.quality !== undefined ? { quality: response.quality } : {}),
    ...(response.size !== undefined ? { size: response.size } : {}),
    ...(response.usage !== undefined ? { usage: response.usage } : {}),
    generation_id: response.id,
    index,
    url: image.url,
    ...(image.revised_prompt !== undefined ? { revised_prompt: image.revised_prompt } : {})
  }
}
