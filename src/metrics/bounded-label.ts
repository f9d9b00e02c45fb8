// Keeps a label's cardinality bounded: the first `max` distinct values pass, any later one is
// counted as "other". Callers decide which values may be labels at all (never prompts or ids).
export const OTHER_LABEL = 'other'

export function boundedLabel (max: number): (value: string) => string {
  const seen = new Set<string>()
  return (value) => {
    if (seen.has(value)) return value
    if (seen.size >= max) return OTHER_LABEL
    seen.add(value)
    return value
  }
}
