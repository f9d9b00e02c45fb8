// The OpenAI-shaped answer to a generation, built from its manifest: one builder for the first
// answer and for every replay of it, so the two cannot drift apart.
import type { GenerateResponse, Manifest } from '../schemas/generation.js'

/** The answer's fields that the manifest does not keep: what the provider said about the images. */
export type AnswerFields = Omit<GenerateResponse, 'id' | 'data'>

/** `imageBytes` (in manifest order) are inlined as base64, for response_format b64_json. */
export function answerFromManifest (manifest: Manifest, fields: AnswerFields, imageBytes?: Buffer[]): GenerateResponse {
  return {
    ...fields,
    id: manifest.id,
    data: manifest.images.map((image, index) => ({
      url: image.url,
      ...(imageBytes !== undefined ? { b64_json: imageBytes[index]?.toString('base64') } : {}),
      ...(image.revisedPrompt !== undefined ? { revised_prompt: image.revisedPrompt } : {})
    }))
  }
}
