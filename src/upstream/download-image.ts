// Fetches an image the provider answered with a URL, at once (provider URLs expire), bounded in
// time and size, and only from hosts we trust: following any URL a provider names would let a
// compromised provider make the gateway fetch internal addresses.
import { GatewayError } from '../errors/gateway-error.js'
import { redactedCause, redactTokenPatterns } from './redact-secrets.js'

export interface DownloadLimits {
  allowedHosts: ReadonlySet<string>
  timeoutMs: number
  maxBytes: number
  signal?: AbortSignal
}

const MAX_REDIRECTS = 3

export async function downloadImage (url: string, limits: DownloadLimits): Promise<Buffer> {
  const signals = [AbortSignal.timeout(limits.timeoutMs), ...(limits.signal ? [limits.signal] : [])]
  const signal = AbortSignal.any(signals)
  let target = parseAllowed(url, limits.allowedHosts)
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response
    try {
      response = await fetch(target, { redirect: 'manual', signal })
    } catch (error) {
      throw downloadFailed(`Could not download the image the provider returned: ${describe(signal)}.`, logSafe(error))
    }
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel()
      target = parseAllowed(new URL(location, target).href, limits.allowedHosts)
      continue
    }
    if (!response.ok) {
      await response.body?.cancel()
      throw downloadFailed(`Could not download the image the provider returned: HTTP ${response.status}.`)
    }
    return await readBounded(response, limits.maxBytes, signal)
  }
  throw downloadFailed('Could not download the image the provider returned: too many redirects.')
}

function parseAllowed (url: string, allowedHosts: ReadonlySet<string>): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw downloadFailed('The provider returned an image URL that is not a valid URL.')
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !allowedHosts.has(parsed.host)) {
    throw downloadFailed(`The provider returned an image URL on a host the gateway does not download from (${parsed.host}); add it to UPSTREAM_DOWNLOAD_HOSTS.`)
  }
  return parsed
}

async function readBounded (response: Response, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw tooLarge(maxBytes)
  }
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength
      if (total > maxBytes) throw tooLarge(maxBytes)
      chunks.push(Buffer.from(chunk))
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw downloadFailed(`Could not download the image the provider returned: ${describe(signal)}.`, logSafe(error))
  }
  return Buffer.concat(chunks, total)
}

function tooLarge (maxBytes: number): GatewayError {
  return downloadFailed(`The image the provider returned is larger than ${maxBytes} bytes.`)
}

function downloadFailed (message: string, cause?: Error): GatewayError {
  return new GatewayError('upstream_download_failed', { message, cause })
}

// Asks the signal rather than the error's name: what fetch throws on an abort depends on where it
// was (a DOMException TimeoutError or AbortError, or Node's own AbortError from a body stream),
// while an aborted signal is the fact itself.
function describe (signal: AbortSignal): string {
  return signal.aborted ? 'timed out or aborted' : 'connection failed'
}

// The cause is logged: keep its name and message, not its chain, whose network errors can quote the
// image URL with its (signed) query string.
function logSafe (error: unknown): Error | undefined {
  return redactedCause(error, redactTokenPatterns)
}
