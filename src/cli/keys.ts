#!/usr/bin/env node
// Entry point of the keys CLI: `npm run keys -- …` in a checkout, `node dist/cli/keys.js …` or
// `igw-keys …` (package.json bin) in the container. The command lives in keys-command.ts.
import { runKeysCommand } from './keys-command.js'

process.exitCode = await runKeysCommand(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env
})
