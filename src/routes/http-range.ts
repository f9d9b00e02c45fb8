// Parses a single-range `Range: bytes=…` header (RFC 9110 §14). Several ranges, or a header we
// cannot read, mean "send the whole object", which the RFC allows.
import type { ByteRange } from '../generation/published-images.js'

export type RangeDecision =
  | { kind: 'whole' }
  | { kind: 'partial', range: ByteRange }
  | { kind: 'unsatisfiable' }

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/

export function decideRange (header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'whole' }
  const match = SINGLE_RANGE.exec(header.trim())
  if (match === null) return { kind: 'whole' }
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return { kind: 'whole' }
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size) return { kind: 'unsatisfiable' }
  if (end < start) return { kind: 'whole' }
  return { kind: 'partial', range: { start, end } }
}

export function etagMatches (ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  if (ifNoneMatch.trim() === '*') return true
  // If-None-Match uses the weak comparison: W/"x" matches "x".
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}
