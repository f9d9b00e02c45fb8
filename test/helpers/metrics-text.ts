// Reads a Prometheus text exposition: the value of one sample by name and (a subset of) labels.
export interface MetricSamples {
  text: string
  /** Sum of the samples named `name` whose labels include `labels`. */
  value(name: string, labels?: Record<string, string>): number
  /** The label values seen for `label` on samples named `name`. */
  labelValues(name: string, label: string): string[]
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parseMetrics (text: string): MetricSamples {
  const samples = text.split('\n').flatMap((line) => {
    const match = SAMPLE.exec(line)
    if (match === null || line.startsWith('#')) return []
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map(([, key = '', value = '']) => [key, value]))
    return [{ name: match[1] ?? '', labels, value: Number(match[3]) }]
  })
  const matching = (name: string, labels: Record<string, string>) =>
    samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
  return {
    text,
    value: (name, labels = {}) => matching(name, labels).reduce((sum, sample) => sum + sample.value, 0),
    labelValues: (name, label) => [...new Set(matching(name, {}).map((sample) => sample.labels[label] ?? ''))].sort()
  }
}

export async function scrape (gatewayUrl: string, headers: Record<string, string> = {}): Promise<MetricSamples> {
  const response = await fetch(`${gatewayUrl}/metrics`, { headers })
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`)
  return parseMetrics(await response.text())
}
