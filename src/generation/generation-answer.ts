// The OpenAI-shaped answer to a generation, built from its manifest alone: one builder for the first
// answer and for every replay of it, so the two cannot drift apart.
import type { GenerateResponse, Manifest } from '../schemas/generation.js'

/** `imageBytes` (in manifest order) are inlined as base64, for response_format b64_json. */
export function answerFromManifest (manifest: Manifest, imageBytes?: Buffer[]): GenerateResponse {
  const { upstream } = manifest
  return {
    created: manifest.created,
    ...upstream.described,
    ...(upstream.usage !== undefined ? { usage: upstream.usage } : {}),
    id: manifest.id,
    data: manifest.images.map((image, index) => ({
      url: image.url,
      ...(imageBytes !== undefined ? { b64_json: imageBytes[index]?.toString('base64') } : {}),
      ...(image.revisedPrompt !== undefined ? { revised_prompt: image.revisedPrompt } : {})
    }))
  }
}
