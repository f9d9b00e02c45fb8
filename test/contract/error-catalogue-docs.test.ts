// The documents that list error codes agree with the catalogue: every OpenAPI example names a code
// answered with the status it is listed under, and the README's error table lists every code in
// the row of its status and nothing the catalogue does not hold.
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { ERROR_CODES, errorSpec, isErrorCode, type ErrorCode } from '../../src/errors/error-catalogue.js'
import { ERROR_RESPONSES, type ErrorExample } from '../../src/openapi/error-responses.js'

const TABLE_HEADER = '| Status | When | `code` |'

async function readmeErrorRows (): Promise<Map<number, string[]>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const start = readme.indexOf(TABLE_HEADER)
  if (start === -1) throw new Error('README has no error table')
  const table = readme.slice(start, readme.indexOf('\n\n', start)).split('\n').slice(2)
  return new Map(table.map((row) => {
    const cells = row.split(' | ')
    const codes = [...(cells.at(-1) ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '')
    return [Number(row.slice(1, 5)), codes]
  }))
}

t.test('every OpenAPI error example names a catalogue code of the status it is listed under', async (t) => {
  for (const [status, spec] of Object.entries(ERROR_RESPONSES)) {
    for (const [key, example] of Object.entries<ErrorExample>(spec.examples)) {
      t.equal(example.code, key, `${status} ${key}: keyed by its code`)
      t.ok(isErrorCode(example.code), `${key} is a catalogue code`)
      t.equal(errorSpec(example.code).status, Number(status), `${key} is answered with ${status}`)
      t.equal(example.type, errorSpec(example.code).type, `${key}: the catalogue's type`)
    }
  }
})

t.test('the README error table lists every catalogue code under its status', async (t) => {
  const rows = await readmeErrorRows()
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const { status } = errorSpec(code)
    t.ok(rows.get(status)?.includes(code), `${code} is in the README's ${status} row`)
  }
})

t.test('the README error table names no code the catalogue does not hold, nor one under another status', async (t) => {
  for (const [status, codes] of await readmeErrorRows()) {
    t.ok(codes.length > 0, `the ${status} row names its codes`)
    for (const code of codes) {
      t.ok(isErrorCode(code), `${code} (README ${status} row) is a catalogue code`)
      if (isErrorCode(code)) t.equal(errorSpec(code).status, status, `${code} is answered with ${status}`)
    }
  }
})

t.test('every status the OpenAPI document describes has a README row', async (t) => {
  const rows = await readmeErrorRows()
  for (const status of Object.keys(ERROR_RESPONSES)) t.ok(rows.has(Number(status)), `README row for ${status}`)
})
