// Prints the tap suite's totals as one line, "N passed, N failed", from a saved run's output.
// tap ends its output with a summary such as "# { total: 8, pass: 6, fail: 2 }".
import { readFileSync } from 'node:fs'

const output = readFileSync(process.argv[2], 'utf8')
const summaries = [...output.matchAll(/^# \{ total: (\d+)(.*)\}\s*$/gm)]
const last = summaries.at(-1)
if (last === undefined) {
  console.log('0 passed, 1 failed (no tap summary found)')
  process.exit(0)
}
const count = (name) => Number(new RegExp(`${name}: (\\d+)`).exec(last[2])?.[1] ?? 0)
const skipped = count('skip') + count('todo')
console.log(`${count('pass')} passed, ${count('fail')} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`)
