// Regression: `npm run client-types` (the first step of `npm test`) wrote the generated types into
// test/clients/generated/, a gitignored folder, without creating it: on a fresh clone the whole
// test command failed with ENOENT before a single test ran. The folder is now created.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { writeClientTypes } from '../../scripts/client-types.js'
import { makeDataDir } from '../helpers/temp-dir.js'

t.test('the client types are written into a folder that does not exist yet', async (t) => {
  const dir = await makeDataDir(t)
  const output = path.join(dir, 'not', 'there', 'gateway-api.d.ts')
  await writeClientTypes('openapi.yaml', output)
  t.match(await readFile(output, 'utf8'), /export interface paths/)
})
