// The images.edit and images.createVariation contracts as the gateway accepts them: the text fields
// of their multipart forms (files are read by src/inputs/read-image-form.ts), and the JSON variant
// of an edit whose inputs are images this gateway already stored, named by reference.
import { Type, type Static } from '@sinclair/typebox'
import { GENERATION_ID } from '../storage/object-keys.js'
import { literals, NAMED_SIZES, SIZE_PATTERN } from './generation.js'

/** OpenAI's limit of input images of one edit (GPT image models). */
export const MAX_EDIT_IMAGES = 16

const EDIT_QUALITIES = ['standard', 'low', 'medium', 'high', 'auto'] as const
const VARIATION_SIZES = ['256x256', '512x512', '1024x1024'] as const

const model = () => Type.Optional(Type.String({ minLength: 1, maxLength: 128 }))
const n = () => Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 1 }))
const responseFormat = () => Type.Optional(literals(['url', 'b64_json'] as const, { description: 'url: durable link only; b64_json: the image inline and the durable link.' }))
const user = () => Type.Optional(Type.String({ maxLength: 256 }))

// The fields an edit takes besides its images, whether they come as form fields or JSON.
function editProperties (promptMaxLength: number) {
  return {
    prompt: Type.String({ minLength: 1, maxLength: promptMaxLength, description: 'What to change, or what to make of the input images.' }),
    model: model(),
    n: n(),
    size: Type.Optional(Type.String({ pattern: SIZE_PATTERN, examples: NAMED_SIZES, description: 'auto, or WIDTHxHEIGHT such as 1024x1024, 1536x1024, 1024x1536.' })),
    quality: Type.Optional(literals(EDIT_QUALITIES)),
    background: Type.Optional(literals(['transparent', 'opaque', 'auto'] as const)),
    input_fidelity: Type.Optional(literals(['high', 'low'] as const)),
    output_format: Type.Optional(literals(['png', 'jpeg', 'webp'] as const)),
    output_compression: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    response_format: responseFormat(),
    stream: Type.Optional(Type.Boolean({ description: 'Answer with server-sent events (image_edit.partial_image, image_edit.completed).' })),
    partial_images: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: 'Partial images to stream per image (with stream).' })),
    user: user()
  }
}

/** The text fields of a multipart edit (`image`, `image[]` and `mask` are files, read apart). */
export function editRequestSchema (promptMaxLength: number) {
  return Type.Object(editProperties(promptMaxLength), { additionalProperties: false, $id: 'EditRequest', title: 'EditRequest' })
}

/** The text fields of a multipart variation (`image` is a file, read apart). dall-e-2 semantics. */
export function variationRequestSchema () {
  return Type.Object({
    model: model(),
    n: n(),
    size: Type.Optional(literals(VARIATION_SIZES)),
    response_format: responseFormat(),
    user: user()
  }, { additionalProperties: false, $id: 'VariationRequest', title: 'VariationRequest' })
}

const ByGeneration = Type.Object({
  generation_id: Type.String({ pattern: GENERATION_ID.source, description: 'A generation of the caller\'s own tenant.' }),
  index: Type.Integer({ minimum: 0, maximum: 9, description: 'Which of its images (data[index]).' })
}, { additionalProperties: false })

const ByUrl = Type.Object({
  image_url: Type.String({ minLength: 1, maxLength: 2048, description: 'A durable link this gateway answered with (data[i].url). Read from storage, never downloaded.' })
}, { additionalProperties: false })

/** An image this gateway stored, named by its generation and index, or by its durable link. */
export const ImageReference = Type.Union([ByGeneration, ByUrl], { description: 'A stored image of the caller\'s tenant: {generation_id, index} or {image_url}.' })

/** A JSON edit whose inputs are stored images: the edit fields, `images` and an optional `mask`. */
export function editByReferenceSchema (promptMaxLength: number) {
  return Type.Object({
    ...editProperties(promptMaxLength),
    images: Type.Array(ImageReference, { minItems: 1, maxItems: MAX_EDIT_IMAGES, description: 'The input images, in order; the first is the one a mask applies to.' }),
    mask: Type.Optional(ImageReference)
  }, {
    additionalProperties: false,
    $id: 'EditByReference',
    title: 'EditByReference',
    examples: [{
      prompt: 'the same lighthouse, now in a snowstorm',
      model: 'gpt-image-1',
      images: [
        { generation_id: 'gen_fe6b1f0c2a7d9e3b41c5a8d2e6f07a1b2c3d', index: 0 },
        { image_url: 'https://images.example.com/images/acme/gen_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b/0.png' }
      ],
      input_fidelity: 'high',
      size: '1024x1024'
    }]
  })
}

export type EditRequest = Static<ReturnType<typeof editRequestSchema>>
export type VariationRequest = Static<ReturnType<typeof variationRequestSchema>>
export type EditByReference = Static<ReturnType<typeof editByReferenceSchema>>
export type ImageReference = Static<typeof ImageReference>
