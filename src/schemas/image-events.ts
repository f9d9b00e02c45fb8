// The server-sent events of a streamed image call (`stream: true`), in OpenAI's shapes: partial
// images, one completed event per stored image (with the gateway's own fields: generation_id, index
// and the durable url), and the error event of a failure after the first event. The answer writer
// (routes/event-stream-answer.ts) builds its events as these types, and the OpenAPI document lists
// these schemas, so what is documented is what is sent.
import { Type, type Static } from '@sinclair/typebox'
import { ErrorEnvelope } from './common.js'
import { ImageUsage } from './generation.js'

/** `image_generation` for generations, `image_edit` for edits (OpenAI's event type prefixes). */
export type EventPrefix = 'image_generation' | 'image_edit'

const EXAMPLE_GENERATION_ID = 'gen_fe6b1f0c2a7d9e3b41c5a8d2e6f07a1b2c3d'
// A 1x1 PNG: examples stay short, and still decode.
const EXAMPLE_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

// What the provider said about the image, passed on as it said it (strings: providers differ).
const describedFields = () => ({
  background: Type.Optional(Type.String()),
  output_format: Type.Optional(Type.String()),
  quality: Type.Optional(Type.String()),
  size: Type.Optional(Type.String())
})

/** Component names, e.g. ImageGenerationPartialImageEvent, ImageEditCompletedEvent. */
const componentPrefix = (prefix: EventPrefix) => prefix === 'image_generation' ? 'ImageGeneration' : 'ImageEdit'

function partialImageEvent<P extends EventPrefix> (prefix: P) {
  return Type.Object({
    type: Type.Literal(`${prefix}.partial_image`),
    b64_json: Type.String({ description: 'The partial image, base64-encoded, as the provider sent it.' }),
    partial_image_index: Type.Integer({ minimum: 0, description: 'Which partial image this is (0-based), as the provider numbered it.' }),
    created_at: Type.Integer({ description: 'Unix seconds.' }),
    ...describedFields()
  }, {
    $id: `${componentPrefix(prefix)}PartialImageEvent`,
    description: `event: ${prefix}.partial_image. A partial image, passed on as the provider sent it (not stored).`,
    examples: [{ type: `${prefix}.partial_image`, b64_json: EXAMPLE_B64, partial_image_index: 0, created_at: 1767225600, size: '1024x1024', output_format: 'png' }]
  })
}

function completedEvent<P extends EventPrefix> (prefix: P) {
  return Type.Object({
    type: Type.Literal(`${prefix}.completed`),
    b64_json: Type.String({ description: 'The final image, base64-encoded (a streamed answer always carries it).' }),
    created_at: Type.Integer({ description: 'Unix seconds.' }),
    ...describedFields(),
    usage: Type.Optional(ImageUsage),
    generation_id: Type.String({ description: 'The generation that stored the image (gateway extension): GET /v1/generations/{id}.' }),
    index: Type.Integer({ minimum: 0, description: 'The image\'s index in that generation (gateway extension).' }),
    url: Type.String({ description: 'Durable link to the stored image (gateway extension); it is stored before this event is sent.' }),
    revised_prompt: Type.Optional(Type.String({ description: 'The prompt the provider used, when it revised it (gateway extension).' }))
  }, {
    $id: `${componentPrefix(prefix)}CompletedEvent`,
    description: `event: ${prefix}.completed. One per image, in order, once that image is stored.`,
    examples: [{
      type: `${prefix}.completed`,
      b64_json: EXAMPLE_B64,
      created_at: 1767225600,
      size: '1024x1024',
      quality: 'high',
      output_format: 'png',
      usage: { input_tokens: 12, output_tokens: 4160, total_tokens: 4172 },
      generation_id: EXAMPLE_GENERATION_ID,
      index: 0,
      url: `https://images.example.com/images/acme/${EXAMPLE_GENERATION_ID}/0.png`
    }]
  })
}

export const ImageStreamErrorEvent = Type.Object({
  type: Type.Literal('error'),
  error: ErrorEnvelope.properties.error
}, {
  $id: 'ImageStreamErrorEvent',
  description: 'event: error. A failure after the first event (before it, the answer is an ordinary HTTP error). The OpenAI SDKs raise it as an APIError; the stream ends after it.',
  examples: [{ type: 'error', error: { message: 'The image provider failed (HTTP 500).', type: 'upstream_error', param: null, code: 'upstream_error' } }]
})

export const ImageGenerationPartialImageEvent = partialImageEvent('image_generation')
export const ImageGenerationCompletedEvent = completedEvent('image_generation')
export const ImageEditPartialImageEvent = partialImageEvent('image_edit')
export const ImageEditCompletedEvent = completedEvent('image_edit')

/** The events of one stream, by prefix: what the answer writer sends and the document lists. */
export const STREAM_EVENTS = {
  image_generation: { partialImage: ImageGenerationPartialImageEvent, completed: ImageGenerationCompletedEvent, error: ImageStreamErrorEvent },
  image_edit: { partialImage: ImageEditPartialImageEvent, completed: ImageEditCompletedEvent, error: ImageStreamErrorEvent }
} as const

export type PartialImageEvent = Static<typeof ImageGenerationPartialImageEvent> | Static<typeof ImageEditPartialImageEvent>
export type CompletedEvent = Static<typeof ImageGenerationCompletedEvent> | Static<typeof ImageEditCompletedEvent>
export type ImageStreamErrorEvent = Static<typeof ImageStreamErrorEvent>
