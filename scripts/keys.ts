// Entry point of `npm run keys`; the command itself lives in src/cli/keys-command.ts.
import { runKeysCommand } from '../src/cli/keys-command.js'

const code = await runKeysCommand(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env
})
process.exit(code)
