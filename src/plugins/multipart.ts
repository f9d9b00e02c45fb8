// multipart/form-data for the routes that take uploaded images (edits, variations): registers
// @fastify/multipart with the upload limits. Register it only in those routes' scope: it makes
// multipart a body type there. Parts are read as they stream (src/inputs/read-image-form.ts);
// nothing is written to disk and no part is buffered by the plugin.
import fastifyMultipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { parserLimits, type UploadLimits } from '../inputs/upload-limits.js'

export interface MultipartOptions {
  limits: UploadLimits
}

async function multipart (app: FastifyInstance, options: MultipartOptions): Promise<void> {
  await app.register(fastifyMultipart, {
    limits: parserLimits(options.limits),
    // The reader counts a file's bytes itself and answers its own 413 (naming the field).
    throwFileSizeLimit: false
  })
}

export default fp(multipart, { name: 'multipart' })
