// A small Dockerfile reader for static checks: instructions (continuations joined, comments
// dropped) grouped into build stages.
export interface Instruction {
  keyword: string
  args: string
}

export interface Stage {
  from: string
  name?: string
  instructions: Instruction[]
}

export function parseDockerfile (text: string): Stage[] {
  const logicalLines: string[] = []
  let pending = ''
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) continue
    if (trimmed.startsWith('#')) continue
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1).trim()} `
      continue
    }
    logicalLines.push(`${pending}${trimmed}`.trim())
    pending = ''
  }
  const stages: Stage[] = []
  for (const line of logicalLines) {
    const [keyword = '', ...rest] = line.split(/\s+/)
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') }
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = rest.filter((word) => !word.startsWith('--'))
      stages.push({ from, ...(as?.toUpperCase() === 'AS' && name !== undefined ? { name } : {}), instructions: [] })
      continue
    }
    stages.at(-1)?.instructions.push(instruction)
  }
  return stages
}

/** ENV in both forms: `ENV A=1 B="two"` and the legacy `ENV A 1`. */
export function envOf (stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { args } of stage.instructions.filter((instruction) => instruction.keyword === 'ENV')) {
    if (!args.includes('=')) {
      const [name = '', ...value] = args.split(/\s+/)
      env[name] = value.join(' ')
      continue
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
      env[match[1] ?? ''] = (match[2] ?? '').replace(/^"(.*)"$/, '$1')
    }
  }
  return env
}
