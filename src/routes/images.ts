// GET/HEAD /images/{prefix}/{generationId}/{file}: serves stored images under durable links, as an
// immutable resource with a strong ETag (its sha256), ranges and conditional requests. Anything
// that does not name a published image is a 404, whatever it looks like.
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { IMMUTABLE_CACHE_CONTROL, type PublishedImages } from '../generation/published-images.js'
import { emptyAnswer, errorAnswers, headersNamed } from '../openapi/route-responses.js'
import { decideRange, etagMatches } from './http-range.js'

export interface ImageRouteOptions {
  images: PublishedImages
}

interface ImageParams {
  prefix: string
  generationId: string
  file: string
}

// Checked by the handler, not the schema: anything that is not a published image is a 404, never a 400.
const ImageParams = Type.Object({
  prefix: Type.String({ description: "The tenant's storage prefix." }),
  generationId: Type.String({ description: 'The generation id.' }),
  file: Type.String({ description: 'The image: its index and extension, e.g. 0.png.' })
})

const imageBody = (description: string, headers: Parameters<typeof headersNamed>[0]) => ({
  description,
  headers: headersNamed(headers),
  content: Object.fromEntries(['image/png', 'image/jpeg', 'image/webp', 'image/gif'].map((type) => [type, { schema: { type: 'string', format: 'binary' } }]))
})

function imageSchema (method: 'GET' | 'HEAD') {
  const bodyNote = method === 'HEAD' ? ' (headers only)' : ''
  // HEAD answers the headers a GET would, without a body.
  const body = method === 'GET' ? imageBody : emptyAnswer
  return {
    operationId: method === 'GET' ? 'getImage' : 'headImage',
    summary: method === 'GET' ? 'A stored image (durable link)' : "A stored image's headers",
    description: 'No key needed: the link is the capability (96 random bits in the generation id). Immutable, with a strong ETag (its sha256), single byte ranges and If-None-Match. In LINK_MODE=redirect the answer is a 302 to a presigned URL.',
    tags: ['images'],
    security: [],
    params: ImageParams,
    response: {
      200: body(`The image${bodyNote}.`, ['etag', 'cache-control', 'accept-ranges', 'content-length']),
      206: body(`The requested byte range${bodyNote}.`, ['etag', 'cache-control', 'accept-ranges', 'content-length', 'content-range']),
      302: emptyAnswer('LINK_MODE=redirect: the image is at a presigned URL of the bucket.', ['location', 'cache-control']),
      304: emptyAnswer('If-None-Match matched: the cached copy is current.', ['etag', 'cache-control']),
      416: emptyAnswer('The range starts past the end of the image.', ['content-range']),
      ...errorAnswers(404, 500, 503)
    }
  }
}

export async function imageRoutes (app: FastifyInstance, options: ImageRouteOptions): Promise<void> {
  const serve = async (request: FastifyRequest<{ Params: ImageParams }>, reply: FastifyReply) => {
    const { prefix, generationId, file } = request.params
    const image = await options.images.find(prefix, generationId, file)
    if (image === undefined) throw noSuchImage()

    const redirect = await options.images.redirectFor(image)
    if (redirect !== undefined) {
      // The redirect may be cached only while its target is valid; the link itself never expires.
      return reply.header('cache-control', `private, max-age=${Math.max(0, redirect.ttlSeconds - 30)}`).redirect(redirect.url, 302)
    }
    const etag = `"${image.sha256}"`
    // Headers go on only once the answer is decided: a failure (storage down, hung, torn) must
    // leave as a clean 503, not with an immutable cache-control and an image's length.
    const imageHeaders = { etag, 'cache-control': IMMUTABLE_CACHE_CONTROL, 'accept-ranges': 'bytes' }
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).headers(imageHeaders).send()

    const decision = decideRange(request.headers.range, image.bytes)
    if (decision.kind === 'unsatisfiable') {
      return reply.code(416).headers(imageHeaders).header('content-range', `bytes */${image.bytes}`).send()
    }
    const range = decision.kind === 'partial' ? decision.range : undefined
    const length = range === undefined ? image.bytes : range.end - range.start + 1
    const body = request.method === 'HEAD' ? undefined : await options.images.open(image, range)
    if (request.method !== 'HEAD' && body === undefined) throw noSuchImage()
    reply.headers(imageHeaders).header('content-type', image.contentType).header('content-length', length)
    if (range !== undefined) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${image.bytes}`)
    return reply.send(body)
  }

  app.get('/images/:prefix/:generationId/:file', { exposeHeadRoute: false, schema: imageSchema('GET') }, serve)
  app.head('/images/:prefix/:generationId/:file', {
    schema: imageSchema('HEAD'),
    // @fastify/swagger would name the operation headImage-head; the name is already HEAD's own.
    config: { swagger: { exposeHeadRoute: true }, swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, operationId: 'headImage' }, url }) }
  }, serve)
}

function noSuchImage (): GatewayError {
  return new GatewayError('not_found', { message: 'No such image.' })
}
