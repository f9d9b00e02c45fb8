// A streamed answer as the provider sends it: per image, its partial-image events then one
// completed event, framed `event: <type>\ndata: <json>\n\n` and flushed as written. Stream faults
// break it off after a given number of partials: an error event, a reset socket or a stall.
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { faultedBase64, imageCount, imageSettings, type AnswerPlan } from './answer-plan.js'
import { isStreamFault, type SimulatorFault, type StreamFault } from './faults.js'
import { partialImage } from './partial-image.js'

export interface StreamPacing {
  /** Read before every event but the first, so a test can change it mid-stream. */
  gapMs: () => number
  sleep: (ms: number) => Promise<unknown>
}

const EVENT_PREFIX = { generate: 'image_generation', edit: 'image_edit', variation: 'image_variation' } as const

function writeEvent (response: ServerResponse, type: string, data: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve()
    // Waiting for the write to be handed to the socket keeps at most one event buffered, so a
    // slow reader holds the stream back instead of piling base64 up in memory.
    response.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`, () => resolve())
  })
}

function streamErrorEvent (fault: Extract<StreamFault, { kind: 'stream-error' }>) {
  const status = fault.status ?? 500
  return {
    type: 'error',
    error: {
      message: fault.message ?? `Simulated stream error (HTTP ${status}).`,
      type: fault.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: null,
      code: fault.code ?? null
    }
  }
}

/** Acts on the stream fault; true when the stream must stop here. */
async function breakOff (response: ServerResponse, fault: StreamFault): Promise<true> {
  if (fault.kind === 'stream-error') {
    await writeEvent(response, 'error', streamErrorEvent(fault))
    response.end()
  } else if (fault.kind === 'stream-reset') {
    response.socket?.destroy()
  }
  // stream-stall: nothing more is written; the connection stays until the client or close() ends it.
  return true
}

export async function streamAnswer (response: ServerResponse, plan: AnswerPlan, fault: SimulatorFault | undefined, pacing: StreamPacing): Promise<void> {
  const { request } = plan
  const prefix = EVENT_PREFIX[plan.operation]
  const streamFault = isStreamFault(fault) ? fault : undefined
  const createdAt = Math.floor(Date.now() / 1000)
  const described = { background: request.background === 'transparent' ? 'transparent' : 'opaque', created_at: createdAt, ...imageSettings(plan) }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': `req_${randomBytes(8).toString('hex')}` })
  response.socket?.setNoDelay(true)
  response.flushHeaders()

  const count = imageCount(plan, fault)
  let partialsSent = 0
  let eventsSent = 0
  const beforeEvent = async (lastCompleted: boolean): Promise<boolean> => {
    if (streamFault !== undefined && (partialsSent >= streamFault.afterPartials || lastCompleted)) return await breakOff(response, streamFault)
    if (eventsSent > 0 && pacing.gapMs() > 0) await pacing.sleep(pacing.gapMs())
    return response.destroyed
  }
  for (let index = 0; index < count; index++) {
    for (let partialIndex = 0; partialIndex < request.partialImages; partialIndex++) {
      if (await beforeEvent(false)) return
      const bytes = await partialImage(plan.imageKey(index), () => plan.image(index), request.format, partialIndex, request.partialImages)
      await writeEvent(response, `${prefix}.partial_image`, { type: `${prefix}.partial_image`, b64_json: faultedBase64(bytes, fault), partial_image_index: partialIndex, ...described })
      partialsSent++
      eventsSent++
    }
    if (await beforeEvent(index === count - 1)) return
    const bytes = await plan.image(index)
    await writeEvent(response, `${prefix}.completed`, { type: `${prefix}.completed`, b64_json: faultedBase64(bytes, fault), ...described, ...(plan.usage !== undefined ? { usage: plan.usage } : {}) })
    eventsSent++
  }
  response.end()
}
