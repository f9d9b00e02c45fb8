// What the gateway accepts from a provider's images answer (POST /images/generations), checked
// before anything is stored or counted. The required shape is strict; optional fields the answer
// only echoes are checked one by one (check-images-answer.ts) so that one odd field is dropped, not
// the paid-for images. Limits here are the contract's, not settings.
import { Type } from '@sinclair/typebox'

/** The most images one generation holds: the contract's largest n (object-keys.ts relies on it). */
export const MAX_IMAGES_PER_GENERATION = 10

/** Longest revised_prompt kept: the longest prompt GPT image models accept. */
export const REVISED_PROMPT_MAX_LENGTH = 32000

// Everything else the answer may carry is read per field; an item must at least be an object.
const ProviderImageItem = Type.Object({}, { additionalProperties: true })

/** The part of the answer without which there is nothing to store: wrong here is malformed. */
export const ProviderImagesAnswer = Type.Object({
  data: Type.Array(ProviderImageItem)
}, { additionalProperties: true, $id: 'ProviderImagesAnswer' })

/** Unix seconds; anything else is replaced by the time the answer arrived. */
export const ProviderCreated = Type.Integer({ minimum: 0, maximum: 1e11 })

/** A token count: a non-negative integer, or the field is dropped. */
export const ProviderTokenCount = Type.Integer({ minimum: 0 })

/** Echoed descriptors (size, quality, output_format, background): short strings, or dropped. */
export const ProviderEcho = Type.String({ minLength: 1, maxLength: 64 })

/** An image URL the answer names (downloaded later only from allowed hosts). */
export const ProviderImageUrl = Type.String({ minLength: 1, maxLength: 8192 })
