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

export async function answerWithEvents (
  reply: FastifyReply,
  prefix: EventPrefix,
  run: (onPartial: (partial: PartialImage) => void) => Promise<GenerationOutcome>
): Promise<FastifyReply> {
  const events = new PassThrough()
  let started = false
  // Every event is one of the documented shapes (schemas/image-events.ts, in the OpenAPI document).
  const send = (type: string, data: PartialImageEvent | CompletedEvent | ImageStreamErrorEvent): void => {
    if (!started) {
      started = true
      void reply.headers(EVENT_STREAM_HEADERS).send(events)
    }
    // A client that left has closed the stream; the generation goes on without it.
    if (!events.destroyed && !events.writableEnded) events.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  try {
    const { response, replayed } = await run((partial) => send(`${prefix}.partial_image`, partialEvent(prefix, partial)))
    if (replayed && !started) reply.header('idempotent-replayed', 'true')
    for (const [index, image] of response.data.entries()) send(`${prefix}.completed`, completedEvent(prefix, response, index, image))
  } catch (error) {
    if (!started) throw error // answered by the error handler, with its status
    const gatewayError = toGatewayError(error as FastifyError)
    reply.request.answeredError = { status: gatewayError.status, code: gatewayError.code }
    logAnswered(reply.log, error, gatewayError)
    const errorEvent: ImageStreamErrorEvent = { type: 'error', ...gatewayError.envelope() }
    send('error', errorEvent)
  }
  if (!started) { // an answer without images is refused before this; never leave the reply unsent
    started = true
    void reply.headers(EVENT_STREAM_HEADERS).send(events)
  }
  events.end()
  return reply
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
