// A small Fastify app over real HTTP that does with the input modules what the edit and variation
// routes do: the gateway's error handler and validator, the multipart plugin, and test routes that
// call readImageForm, inspectForm, the rules of check-inputs and resolveReferences, answering with
// what they produced (every InputImage field but the bytes).
import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { checkEditInputs, checkVariationInputs } from '../../src/inputs/check-inputs.js'
import type { EditInputs, InputImage } from '../../src/inputs/input-image.js'
import { inspectForm } from '../../src/inputs/inspect-input.js'
import { editFormSpec, readImageForm, variationFormSpec } from '../../src/inputs/read-image-form.js'
import { resolveReferences, type ReferenceDeps } from '../../src/inputs/resolve-references.js'
import type { UploadLimits } from '../../src/inputs/upload-limits.js'
import errorHandler from '../../src/plugins/error-handler.js'
import multipart from '../../src/plugins/multipart.js'
import { editByReferenceSchema, type EditByReference } from '../../src/schemas/edit.js'
import { typeboxValidatorCompiler } from '../../src/validation/typebox-validator.js'
import type { Teardown } from '../helpers/temp-dir.js'

export const DEFAULT_LIMITS: UploadLimits = { maxFiles: 16, fileMaxBytes: 52428800, totalMaxBytes: 67108864, fieldMaxBytes: 131072 }

export interface InputAppOptions {
  limits?: Partial<UploadLimits>
  maxPixels?: number
  /** For POST /edits/by-reference: everything but the limits and maxPixels. */
  references?: Omit<ReferenceDeps, 'limits' | 'maxPixels'>
}

export interface InputApp {
  url: string
  /** Log lines of the app (pino JSON). */
  logLines: string[]
}

export type DescribedInput = Omit<InputImage, 'bytes'> & { bytes: number }
export interface DescribedInputs { fields: Record<string, unknown>, images: DescribedInput[], mask?: DescribedInput }

export async function startInputApp (t: Teardown, options: InputAppOptions = {}): Promise<InputApp> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const maxPixels = options.maxPixels ?? 16777216
  const logLines: string[] = []
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => { logLines.push(line) } } } }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(typeboxValidatorCompiler)
  await app.register(errorHandler)
  await app.register(multipart, { limits })

  app.post('/edits', async (request) => {
    const form = await readImageForm(request, editFormSpec(32000, limits))
    const inputs = inspectForm(form, maxPixels)
    checkEditInputs(inputs, form.fields.model ?? 'gpt-image-1')
    return describe(form.fields, inputs)
  })
  app.post('/variations', async (request) => {
    const form = await readImageForm(request, variationFormSpec(limits))
    const inputs = inspectForm(form, maxPixels)
    checkVariationInputs(inputs)
    return describe(form.fields, inputs)
  })
  const { references } = options
  if (references !== undefined) {
    // The tenant is named by a header here: authentication is the gateway's, not this module's.
    app.post<{ Body: EditByReference }>('/edits/by-reference', { schema: { body: editByReferenceSchema(32000) } }, async (request) => {
      const storagePrefix = String(request.headers['x-storage-prefix'])
      const inputs = await resolveReferences({ storagePrefix }, request.body, { ...references, limits, maxPixels })
      checkEditInputs(inputs, request.body.model ?? 'gpt-image-1', { image: 'images', mask: 'mask' })
      const { images, mask, ...fields } = request.body
      return describe(fields, inputs)
    })
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { url: `http://127.0.0.1:${address.port}`, logLines }
}

function describe (fields: object, inputs: EditInputs): DescribedInputs {
  const one = ({ bytes, ...rest }: InputImage): DescribedInput => ({ ...rest, bytes: bytes.length })
  return { fields: { ...fields }, images: inputs.images.map(one), ...(inputs.mask !== undefined ? { mask: one(inputs.mask) } : {}) }
}
