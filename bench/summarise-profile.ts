// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per package, busy time
// only (idle excluded). `npx tsx bench/summarise-profile.ts file.cpuprofile [top]` prints it.
import { readFile } from 'node:fs/promises'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface SelfTime {
  name: string
  selfMs: number
  percent: number
}

export interface ProfileSummary {
  busyMs: number
  idleMs: number
  functions: SelfTime[]
  packages: SelfTime[]
}

function shortUrl (url: string): string {
  const inModules = url.lastIndexOf('node_modules/')
  if (inModules >= 0) return url.slice(inModules + 'node_modules/'.length)
  const inProject = url.search(/\/(src|bench)\//)
  if (inProject >= 0) return url.slice(inProject + 1)
  return url.replace(/^file:\/\//, '')
}

/** Where a function lives: an npm package, Node itself, the gateway's source, or V8. */
function packageOf (url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  const inModules = url.lastIndexOf('node_modules/')
  if (inModules >= 0) {
    const parts = url.slice(inModules + 'node_modules/'.length).split('/')
    return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1]}` : parts[0] ?? url
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`
  if (/\/src\//.test(url)) return 'gateway src/'
  return shortUrl(url)
}

function ranked (totals: Map<string, number>, busyMs: number, top: number): SelfTime[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs), percent: Math.round((selfMs / busyMs) * 1000) / 10 }))
}

export async function summariseProfile (file: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)))
  const functions = new Map<string, number>()
  const packages = new Map<string, number>()
  let idleMs = 0
  let busyMs = 0
  for (const [id, micros] of selfUs) {
    const frame = byId.get(id)?.callFrame
    if (frame === undefined) continue
    const ms = micros / 1000
    if (frame.functionName === '(idle)') {
      idleMs += ms
      continue
    }
    busyMs += ms
    const where = frame.url === '' ? '' : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    const name = `${frame.functionName || '(anonymous)'}${where}`
    functions.set(name, (functions.get(name) ?? 0) + ms)
    const owner = packageOf(frame.url, frame.functionName)
    packages.set(owner, (packages.get(owner) ?? 0) + ms)
  }
  return { busyMs: Math.round(busyMs), idleMs: Math.round(idleMs), functions: ranked(functions, busyMs, top), packages: ranked(packages, busyMs, top) }
}

export function formatProfile (summary: ProfileSummary): string {
  const rows = (items: SelfTime[]) => items.map((item) => `  ${item.percent.toFixed(1).padStart(5)}%  ${String(item.selfMs).padStart(6)} ms  ${item.name}`)
  return [
    `busy ${summary.busyMs} ms (idle ${summary.idleMs} ms excluded)`,
    'top functions by self time:',
    ...rows(summary.functions),
    'self time by package:',
    ...rows(summary.packages)
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]
  if (file === undefined) {
    process.stderr.write('usage: tsx bench/summarise-profile.ts <file.cpuprofile> [top]\n')
    process.exit(1)
  }
  process.stdout.write(`${formatProfile(await summariseProfile(file, Number(process.argv[3] ?? 15)))}\n`)
}
