// The generation use case: a tenant's validated operation → policy → admission → idempotency →
// verified images from the provider (upstream/ owns order, fallback and breakers) → storage (or the
// spool) and the manifest → the OpenAI-shaped answer with durable links, one event and one log line.
// Every operation (generate, edit, variation, each streamed or not) is one public method that
// describes itself to the same pipeline, #run. No HTTP in here.
import type { IdempotencyStore } from '../idempotency/idempotency-store.js'
import { runIdempotent } from '../idempotency/run-idempotent.js'
import type { ImageAdmission } from '../limits/image-admission.js'
import type { EditInputs } from '../inputs/input-image.js'
import type { EditRequest, VariationRequest } from '../schemas/edit.js'
import type { GenerateRequest, GenerateResponse, ImageOperation, Manifest, ManifestImage } from '../schemas/generation.js'
import type { LinkBuilder } from '../storage/links.js'
import { manifestKey } from '../storage/object-keys.js'
import type { Spool } from '../storage/spool.js'
import type { Storage } from '../storage/storage.js'
import { applyPolicy, type AllowedSubject, type PolicySubject } from '../tenants/check-policy.js'
import type { Tenant } from '../tenants/tenant.js'
import type { PartialImage, ProviderRequest, UpstreamCall } from '../upstream/upstream.js'
import type { RoutedGeneration, UpstreamRouter } from '../upstream/upstream-router.js'
import { buildManifest, type SentRequest } from './build-manifest.js'
import { answerFromManifest } from './generation-answer.js'
import type { ManifestReader } from './manifest-reader.js'
import { replayGeneration } from './replay-generation.js'
import { writeGeneration } from './write-generation.js'

/** Where the use case writes its one line per generation (pino's signature; request.log fits). */
export interface GenerationLog {
  info(fields: object, message: string): void
}

/** Told once per stored generation (GatewayMetrics has this method, so it can be passed as is). */
export interface GenerationEvents {
  generationStored(tenantId: string, model: string, images: number, bytes: number, spooled: boolean): void
}

/**
 * The services and settings the use case runs on, built once per gateway. Nothing in here is per
 * request; the tenant and the validated request come with each call.
 */
export interface ImageGeneratorParts {
  /** The provider side: target order, fallback, breakers, download and verification of images. */
  router: UpstreamRouter
  /** Durable storage: every image, then the manifest that publishes them. */
  storage: Storage
  /** Where a generation waits when durable storage fails (the flusher moves it later); unset, that is a 503. */
  spool?: Spool
  /** An image's durable link from its storage key (LINK_MODE). */
  linkTo: LinkBuilder
  /** The model of a request that names none, when the tenant's policy allows it (DEFAULT_MODEL). */
  defaultModel: string
  /** How long the provider side may take, fallbacks and image downloads included (UPSTREAM_DEADLINE_MS). */
  deadlineMs: number
  /** The in-flight slot and image quotas, taken before the provider is called and settled after. */
  admission: ImageAdmission
  /**
   * Idempotency-Key records: `ttlMs`, how long a finished one is replayed; `leaseMs`, how long a
   * running one holds its key (it must outlast a whole generation, storage included).
   */
  idempotency: { store: IdempotencyStore, ttlMs: number, leaseMs: number }
  /** Reads manifests for replays; it must see generations still in the spool. */
  manifests: ManifestReader
  /**
   * A stored image, whole and exactly as its manifest records it, for a b64_json replay;
   * undefined when it is gone. It must see generations still in the spool.
   */
  readImage: (image: ManifestImage) => Promise<Buffer | undefined>
  events: GenerationEvents
}

export interface GenerateOptions {
  /** The caller's Idempotency-Key, already checked for format. */
  idempotencyKey?: string
  log: GenerationLog
  /**
   * Set when the caller streams (`stream: true`): each partial image the provider sends, as it
   * arrives. The final images still come back as the outcome, stored, before anything is said of them.
   */
  onPartial?: (partial: PartialImage) => void
}

/** An edit's or a variation's options: the checks its inputs must pass once the model is known. */
export interface InputOptions extends GenerateOptions {
  checkInputs?: (model: string) => void
}

export interface GenerationOutcome {
  response: GenerateResponse
  /** True when an Idempotency-Key matched a finished generation, which was re-read, not re-run. */
  replayed: boolean
}

/** What one kind of generation brings to the shared pipeline; everything else is the same. */
interface Operation<Sent extends SentRequest> {
  /** Names the operation in the log line and the manifest. */
  name: ImageOperation
  /** The validated request as the caller sent it: what an Idempotency-Key's fingerprint covers. */
  body: unknown
  /** What the tenant's policy rules on. */
  subject: PolicySubject
  /** response_format b64_json: the answer inlines the stored bytes too. */
  wantsBase64: boolean
  /** The request for the provider, as the policy allows it (the manifest records it). */
  providerRequest: (allowed: AllowedSubject) => Sent
  /** Checks of the input images that need the model the policy settled on (e.g. dall-e-2's one square PNG). */
  checkInputs?: ((model: string) => void) | undefined
  /** The input images of an edit or a variation (the manifest records them, storage may keep them). */
  inputs?: EditInputs
  /** This operation's call to the provider side. */
  callProvider: (request: Sent, options: { deadlineMs: number }) => Promise<RoutedGeneration>
}

/** What a replay needs of an operation: which request the key covers, and the answer's format. */
type ReplayedAs = Pick<Operation<SentRequest>, 'body' | 'wantsBase64'>

export class ImageGenerator {
  readonly #parts: ImageGeneratorParts

  constructor (parts: ImageGeneratorParts) {
    this.#parts = parts
  }

  /** OpenAI's images.generate: a prompt in, stored images with durable links out. */
  async generate (tenant: Tenant, request: GenerateRequest, options: GenerateOptions): Promise<GenerationOutcome> {
    const { stream, partial_images: partialImages, ...fields } = request
    return await this.#run(tenant, {
      name: 'generate',
      body: request,
      subject: { operation: 'generate', stream: stream === true, model: request.model, n: request.n ?? 1, size: request.size, quality: request.quality },
      // A streamed answer ends with completed events, which carry the image itself.
      wantsBase64: request.response_format === 'b64_json' || stream === true,
      providerRequest: (allowed) => ({ ...fields, ...providerFields(allowed) }),
      callProvider: async (sent, callOptions) => await this.#parts.router.run({ operation: 'generate', request: sent, ...streaming(stream, partialImages, options) }, callOptions)
    }, options)
  }

  /**
   * OpenAI's images.edit: input images (uploaded, or stored here before and given by reference),
   * an optional mask and a prompt in; stored images with durable links out.
   */
  async edit (tenant: Tenant, request: EditRequest, inputs: EditInputs, options: InputOptions): Promise<GenerationOutcome> {
    const { stream, partial_images: partialImages, ...fields } = request
    return await this.#run(tenant, {
      name: 'edit',
      // The key covers the inputs by their hashes: the same fields over other images are another request.
      body: { ...request, inputs: inputFingerprint(inputs) },
      subject: { operation: 'edit', stream: stream === true, model: request.model, n: request.n ?? 1, size: request.size, quality: request.quality },
      wantsBase64: request.response_format === 'b64_json' || stream === true,
      inputs,
      checkInputs: options.checkInputs,
      providerRequest: (allowed) => ({ ...fields, ...providerFields(allowed) }),
      callProvider: async (sent, callOptions) => await this.#parts.router.run({ operation: 'edit', request: sent, inputs, ...streaming(stream, partialImages, options) }, callOptions)
    }, options)
  }

  /** OpenAI's images.createVariation (dall-e-2): one square PNG in, n variations of it out. */
  async variation (tenant: Tenant, request: VariationRequest, inputs: EditInputs, options: InputOptions): Promise<GenerationOutcome> {
    return await this.#run(tenant, {
      name: 'variation',
      body: { ...request, inputs: inputFingerprint(inputs) },
      // Variations exist for dall-e-2 alone, which is also OpenAI's default for them.
      subject: { operation: 'variation', stream: false, model: request.model ?? 'dall-e-2', n: request.n ?? 1, size: request.size },
      wantsBase64: request.response_format === 'b64_json',
      inputs,
      checkInputs: options.checkInputs,
      providerRequest: (allowed) => ({ ...request, ...providerFields(allowed) }),
      callProvider: async (sent, callOptions) => await this.#parts.router.run({ operation: 'variation', request: sent, inputs }, callOptions)
    }, options)
  }

  async #run<Sent extends SentRequest> (tenant: Tenant, operation: Operation<Sent>, options: GenerateOptions): Promise<GenerationOutcome> {
    const parts = this.#parts
    // A repeated key is answered from what is stored, before policy or quota: a replay runs
    // nothing and costs nothing.
    return await this.#oncePerKey(tenant, operation, options.idempotencyKey, async () => {
      const allowed = applyPolicy(tenant, operation.subject, parts.defaultModel)
      operation.checkInputs?.(allowed.model)
      const admission = await parts.admission.admit(tenant, allowed.n)
      let stored: { manifest: Manifest, imageBytes: Buffer[], spooled: boolean }
      try {
        const sent = operation.providerRequest(allowed)
        const routed = await operation.callProvider(sent, { deadlineMs: parts.deadlineMs })
        const { manifest, inputFiles } = buildManifest(tenant, sent, routed, parts.linkTo, {
          operation: operation.name,
          ...(operation.inputs !== undefined ? { inputs: operation.inputs } : {}),
          storeInputs: tenant.policy.storeInputs
        })
        const imageBytes = routed.images.map((image) => image.bytes)
        const { spooled } = await writeGeneration(parts.storage, parts.spool, { manifest, manifestKey: manifestKey(tenant.storagePrefix, manifest.id), imageBytes, inputFiles })
        stored = { manifest, imageBytes, spooled }
      } catch (error) {
        await admission.release() // the quota and the slot go back: nothing was stored
        throw error
      }
      const { manifest, imageBytes, spooled } = stored
      await admission.settle(manifest.images.length)
      const storedBytes = manifest.images.reduce((sum, image) => sum + image.bytes, 0)
      parts.events.generationStored(tenant.id, manifest.model, manifest.images.length, storedBytes, spooled)
      options.log.info({
        tenantId: tenant.id,
        operation: operation.name,
        generationId: manifest.id,
        model: allowed.model,
        images: manifest.images.length,
        upstreamMs: manifest.upstream.latencyMs,
        spooled
      }, spooled ? 'generation spooled: durable storage failed, images kept locally' : 'generation stored')
      // Base64 is encoded from the stored bytes, only when asked for: most callers want the link alone.
      return answerFromManifest(manifest, operation.wantsBase64 ? imageBytes : undefined)
    })
  }

  /** Runs `produce` once per Idempotency-Key; a repeat is rebuilt from the generation it stored. */
  async #oncePerKey (tenant: Tenant, operation: ReplayedAs, idempotencyKey: string | undefined, produce: () => Promise<GenerateResponse>): Promise<GenerationOutcome> {
    if (idempotencyKey === undefined) return { response: await produce(), replayed: false }
    const { outcome, replayed } = await runIdempotent({
      ...this.#parts.idempotency,
      key: `${tenant.id}:${idempotencyKey}`,
      body: operation.body,
      generationIdOf: (response) => response.id,
      replay: async (generationId) => await replayGeneration(this.#parts, tenant, generationId, operation.wantsBase64)
    }, produce)
    return { response: outcome, replayed }
  }
}

/** The fields the policy settles, as the provider gets them (the rest of the subject is not a parameter). */
function providerFields (allowed: AllowedSubject): ProviderRequest {
  return {
    model: allowed.model,
    n: allowed.n,
    ...(allowed.size !== undefined ? { size: allowed.size } : {}),
    ...(allowed.quality !== undefined ? { quality: allowed.quality } : {})
  }
}

/** The streaming part of a provider call: only when the caller streams and listens. */
function streaming (stream: boolean | undefined, partialImages: number | undefined, options: GenerateOptions): Pick<UpstreamCall, 'onPartial' | 'partialImages'> {
  if (stream !== true || options.onPartial === undefined) return {}
  return { onPartial: options.onPartial, partialImages: partialImages ?? 0 }
}

function inputFingerprint (inputs: EditInputs): { images: string[], mask?: string } {
  return { images: inputs.images.map((input) => input.sha256), ...(inputs.mask !== undefined ? { mask: inputs.mask.sha256 } : {}) }
}
