// The images.generate contract as the gateway accepts and answers it (OpenAI-compatible), and the
// manifest stored beside every generation.
import { Type, type Static } from '@sinclair/typebox'

export const literals = <T extends string>(values: readonly T[], options: object = {}) =>
  Type.Union(values.map((value) => Type.Literal(value)), options)

export const QUALITIES = ['auto', 'low', 'medium', 'high', 'standard', 'hd'] as const
export type Quality = typeof QUALITIES[number]
export const NAMED_SIZES = ['auto', '256x256', '512x512', '1024x1024', '1536x1024', '1024x1536', '1792x1024', '1024x1792'] as const

// Any WxH is accepted for models such as gpt-image-2 (both sides multiples of 16, up to 3840);
// the provider, and tenant policy, decide which sizes a model really takes.
export const SIZE_PATTERN = '^(auto|[1-9][0-9]{1,3}x[1-9][0-9]{1,3})$'

export function generateRequestSchema (promptMaxLength: number) {
  return Type.Object({
    prompt: Type.String({ minLength: 1, maxLength: promptMaxLength, description: 'What to draw.' }),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    n: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 1 })),
    size: Type.Optional(Type.String({ pattern: SIZE_PATTERN, examples: NAMED_SIZES, description: 'auto, or WIDTHxHEIGHT such as 1024x1024, 1792x1024, 1024x1792, 1536x1024.' })),
    quality: Type.Optional(literals(QUALITIES)),
    response_format: Type.Optional(literals(['url', 'b64_json'] as const, { description: 'url: durable link only; b64_json: the image inline and the durable link.' })),
    output_format: Type.Optional(literals(['png', 'jpeg', 'webp'] as const)),
    output_compression: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    background: Type.Optional(literals(['transparent', 'opaque', 'auto'] as const)),
    moderation: Type.Optional(literals(['low', 'auto'] as const)),
    style: Type.Optional(literals(['vivid', 'natural'] as const)),
    user: Type.Optional(Type.String({ maxLength: 256 })),
    stream: Type.Optional(Type.Boolean({ description: 'Answer with server-sent events: partial images as they arrive, then one completed event per image.' })),
    partial_images: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: 'Partial images to stream per image (with stream).' }))
  }, {
    additionalProperties: false,
    $id: 'GenerateRequest',
    title: 'GenerateRequest',
    examples: [{ prompt: 'a lighthouse at dusk, oil painting', model: 'gpt-image-1', n: 1, size: '1024x1024', quality: 'high' }]
  })
}

export type GenerateRequest = Static<ReturnType<typeof generateRequestSchema>>

export const ImageUsage = Type.Object({
  input_tokens: Type.Optional(Type.Integer()),
  output_tokens: Type.Optional(Type.Integer()),
  total_tokens: Type.Optional(Type.Integer()),
  input_tokens_details: Type.Optional(Type.Object({
    text_tokens: Type.Optional(Type.Integer()),
    image_tokens: Type.Optional(Type.Integer())
  }))
})

export const GeneratedImage = Type.Object({
  url: Type.String({ description: 'Durable link to the stored image; it does not expire.' }),
  b64_json: Type.Optional(Type.String({ description: 'The image, base64-encoded, when response_format is b64_json.' })),
  revised_prompt: Type.Optional(Type.String())
})

export const GenerateResponse = Type.Object({
  id: Type.String({ description: 'Generation id (gateway extension).' }),
  created: Type.Integer({ description: 'Unix seconds.' }),
  data: Type.Array(GeneratedImage),
  size: Type.Optional(Type.String()),
  quality: Type.Optional(Type.String()),
  output_format: Type.Optional(Type.String()),
  background: Type.Optional(Type.String()),
  usage: Type.Optional(ImageUsage)
}, {
  $id: 'GenerateResponse',
  examples: [{
    id: 'gen_fe6b1f0c2a7d9e3b41c5a8d2e6f07a1b2c3d',
    created: 1767225600,
    data: [{ url: 'https://images.example.com/images/acme/gen_fe6b1f0c2a7d9e3b41c5a8d2e6f07a1b2c3d/0.png', revised_prompt: 'A lighthouse at dusk, painted in oils.' }],
    size: '1024x1024',
    quality: 'high',
    output_format: 'png',
    usage: { input_tokens: 12, output_tokens: 4160, total_tokens: 4172 }
  }]
})

export type GenerateResponse = Static<typeof GenerateResponse>

export const ManifestImage = Type.Object({
  index: Type.Integer(),
  key: Type.String(),
  url: Type.String(),
  bytes: Type.Integer(),
  sha256: Type.String(),
  contentType: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  revisedPrompt: Type.Optional(Type.String())
})

export type ManifestImage = Static<typeof ManifestImage>

// An input image of an edit or a variation: what reached the provider (by hash), and where it came
// from when it was an image this gateway had stored, so an edit chain can be followed back.
export const ManifestInput = Type.Object({
  role: Type.Union([Type.Literal('image'), Type.Literal('mask')]),
  index: Type.Integer({ description: 'Position among the images (0 for the mask).' }),
  sha256: Type.String(),
  bytes: Type.Integer(),
  contentType: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  key: Type.Optional(Type.String({ description: "Where the input is stored; absent when the tenant's policy keeps no inputs." })),
  source: Type.Optional(Type.Object({
    generationId: Type.String(),
    index: Type.Integer()
  }, { description: 'The stored generation this input was taken from, when it was given by reference.' }))
})

export type ManifestInput = Static<typeof ManifestInput>

export const OPERATIONS = ['generate', 'edit', 'variation'] as const
export type ImageOperation = typeof OPERATIONS[number]

export const Manifest = Type.Object({
  id: Type.String(),
  tenantId: Type.String(),
  created: Type.Integer({ description: 'Unix seconds, as answered by the upstream.' }),
  storedAt: Type.String({ description: 'ISO 8601 time the manifest was written.' }),
  model: Type.String(),
  request: Type.Record(Type.String(), Type.Unknown()),
  upstream: Type.Object({
    name: Type.String({ description: 'The upstream that produced the images.' }),
    model: Type.String({ description: 'The model name sent to that upstream.' }),
    latencyMs: Type.Number(),
    requestId: Type.Optional(Type.String()),
    usage: Type.Optional(ImageUsage),
    // What the provider said about the images, under the answer's names, so a replay rebuilds the
    // whole answer from the manifest. Optional: manifests written before it was kept have none.
    described: Type.Optional(Type.Object({
      size: Type.Optional(Type.String()),
      quality: Type.Optional(Type.String()),
      output_format: Type.Optional(Type.String()),
      background: Type.Optional(Type.String())
    }, { description: 'The size, quality, output_format and background the upstream answered with.' }))
  }),
  images: Type.Array(ManifestImage),
  // Absent on manifests written before edits existed: those are generations.
  operation: Type.Optional(Type.Union(OPERATIONS.map((operation) => Type.Literal(operation)), { description: 'generate, edit or variation (absent: generate).' })),
  inputs: Type.Optional(Type.Array(ManifestInput, { description: 'The input images of an edit or a variation, in order, the mask last.' }))
}, { $id: 'Manifest' })

export type Manifest = Static<typeof Manifest>
