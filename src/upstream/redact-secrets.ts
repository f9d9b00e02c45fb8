// Removes credentials from provider text before it reaches a tenant or a log line. Providers echo
// request headers in error messages (seen: "invalid Authorization: Bearer sk-…"), so every message
// or error we pass on from a provider goes through here first.

/** Replaces secrets in a piece of provider text. */
export type RedactSecrets = (text: string) => string

export const REDACTED = '[redacted]'

// `Bearer <token>` in any case, and OpenAI-style `sk-…` keys (also `sk-proj-…`, `sk_live_…`).
const BEARER_TOKEN = /\b(bearer)\s+[^\s"',;]+/gi
const SK_TOKEN = /\bsk[-_][A-Za-z0-9_-]{6,}/g
// A configured key shorter than this is not a credential worth matching (it would redact words).
const MIN_SECRET_LENGTH = 6

export function createSecretRedactor (secrets: ReadonlyArray<string | undefined>): RedactSecrets {
  // Longest first, so a key that contains another is replaced whole.
  const known = secrets
    .filter((secret): secret is string => secret !== undefined && secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length)
  return (text) => {
    let redacted = text
    for (const secret of known) redacted = redacted.replaceAll(secret, REDACTED)
    return redacted.replace(BEARER_TOKEN, `$1 ${REDACTED}`).replace(SK_TOKEN, REDACTED)
  }
}

/** The same text redactor for when no key is known: only the token patterns. */
export const redactTokenPatterns: RedactSecrets = createSecretRedactor([])

/**
 * A stand-in for a provider error kept as a GatewayError's cause: same name and message (redacted),
 * no original error chain, so a logged stack or cause message cannot carry a secret.
 */
export function redactedCause (error: unknown, redact: RedactSecrets): Error | undefined {
  if (!(error instanceof Error)) return undefined
  const cause = new Error(redact(error.message))
  cause.name = error.name
  return cause
}
