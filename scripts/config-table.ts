// Prints the README's configuration table from the environment schema, so the two never disagree.
// `npm run config-table` prints it, `-- --write` replaces it in README.md; a test fails when the
// README's copy is stale.
import { readFileSync, writeFileSync } from 'node:fs'
import { EnvSchema } from '../src/config/env-schema.js'

export function configTable (): string {
  const rows = Object.entries(EnvSchema.properties).map(([name, schema]) => {
    const { default: defaultValue, description } = schema as { default?: string | number | boolean, description?: string }
    const shownDefault = defaultValue === undefined || defaultValue === '' ? '—' : `\`${String(defaultValue)}\``
    return `| \`${name}\` | ${shownDefault} | ${description ?? ''} |`
  })
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--write')) {
    const readme = readFileSync('README.md', 'utf8')
    const start = readme.indexOf('| Variable | Default | Meaning |')
    const end = readme.indexOf('\n\n', start)
    writeFileSync('README.md', `${readme.slice(0, start)}${configTable()}${readme.slice(end)}`)
  } else {
    console.log(configTable())
  }
}
