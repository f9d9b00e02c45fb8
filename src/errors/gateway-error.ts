// One error family for the whole gateway: every failure that reaches a caller is a GatewayError,
// built from a catalogue code (error-catalogue.ts) that fixes its status and type, and rendered by
// one handler into the OpenAI error envelope.
import type { ErrorEnvelope } from '../schemas/common.js'
import { errorSpec, type ErrorCode, type ErrorType, type FixedMessageCode } from './error-catalogue.js'

interface CommonOptions {
  /** The request field at fault; the catalogue's when it always names the same one. */
  param?: string | null
  /** Added to (and overriding) the catalogue's fixed headers. */
  headers?: Record<string, string>
  cause?: unknown
}

// A code whose message the catalogue fixes takes none; every other code needs one.
type MessageOption<C extends ErrorCode> = C extends FixedMessageCode ? { message?: never } : { message: string }
// Only a provider's rejection carries the provider's own code (see upstream/map-upstream-error.ts).
type ProviderOption<C extends ErrorCode> = C extends 'upstream_rejected' ? { providerCode?: string } : { providerCode?: never }

export type GatewayErrorOptions<C extends ErrorCode> = CommonOptions & MessageOption<C> & ProviderOption<C>

type OptionsArgument<C extends ErrorCode> = C extends FixedMessageCode ? [options?: GatewayErrorOptions<C>] : [options: GatewayErrorOptions<C>]

export class GatewayError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C
  /** From the catalogue: a code always answers with the same status and type. */
  readonly status: number
  readonly type: ErrorType
  readonly param: string | null
  readonly headers: Record<string, string>
  /**
   * The provider's id for the call that failed (its x-request-id), set by upstream/ where it is
   * known: for the log and the provider's support, never sent to the caller.
   */
  providerRequestId?: string
  /** The provider's own code for an `upstream_rejected`, shown to the caller in place of ours. */
  readonly providerCode: string | undefined

  constructor (code: C, ...[options]: OptionsArgument<C>) {
    const spec = errorSpec(code)
    const given: CommonOptions & { message?: string, providerCode?: string } = options ?? {}
    const message = spec.message ?? given.message
    if (message === undefined) throw new TypeError(`GatewayError ${code} needs a message`)
    super(message, { cause: given.cause })
    this.name = 'GatewayError'
    this.code = code
    this.status = spec.status
    this.type = spec.type
    this.param = given.param ?? spec.param ?? null
    this.headers = { ...spec.headers, ...given.headers }
    this.providerCode = given.providerCode
  }

  /** The code the caller sees: ours, or the provider's for a rejection it explained itself. */
  get envelopeCode (): string {
    return this.providerCode ?? this.code
  }

  /** The OpenAI error envelope, fields in the order OpenAI sends them. */
  envelope (): ErrorEnvelope {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.envelopeCode } }
  }
}
