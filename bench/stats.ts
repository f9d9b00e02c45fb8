// Small numeric helpers for the benchmark's summaries.
export function median (values: number[]): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

export function round (value: number, digits = 2): number {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}

export const MB = 1024 * 1024

/** The p-th percentile (0–100) by nearest rank: a value that was measured, never interpolated. */
export function percentile (values: number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1] as number
}
