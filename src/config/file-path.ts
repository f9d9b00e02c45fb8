// Names a place inside a configuration file the way people read it: `tenants[2].policy.maxN`
// rather than TypeBox's JSON pointer `/tenants/2/policy/maxN`.
export function readablePath (pointer: string): string {
  const parts = pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (parts.length === 0) return '(the whole file)'
  return parts.reduce((path, part) => /^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`, '')
}

/** The value found there, for the message, when it is short enough to quote. */
export function quotedValue (value: unknown): string {
  if (value === undefined || (typeof value === 'object' && value !== null)) return ''
  const text = JSON.stringify(value)
  return text.length <= 80 ? ` (found ${text})` : ''
}
