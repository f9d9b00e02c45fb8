// Edits a YAML tenants file as text, so that everything the edit does not touch keeps its exact
// bytes (comments, blank lines, `[a]` flow lists, alignment): the yaml library re-renders a whole
// document in its own layout. The parsed document only says *where* to cut; every edit is then
// checked by parsing the result and comparing it with the intended data.
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml'

export interface KeyFields {
  sha256: string
  label?: string
  createdAt: string
  expiresAt?: string
}

type Fields = Array<[string, string | KeyFields[]]>

export class TenantsTextError extends Error {}

export function addKey (text: string, tenantId: string, key: KeyFields): string {
  const document = parseDocument(text)
  const tenant = tenantNode(document, tenantId)
  const keysPair = pairOf(tenant, 'keys')
  if (keysPair === undefined || !isSeq(keysPair.value)) throw new TenantsTextError(`tenant ${tenantId} has no keys: list`)
  const edited = appendItem(text, keysPair, keysPair.value, keyFields(key))
  return checked(document, edited, (data) => { tenantData(data, tenantId).keys.push(plain(key)) })
}

export function addTenant (text: string, tenantId: string, key: KeyFields): string {
  const fields: Fields = [['id', tenantId], ['keys', [key]]]
  if (text.trim() === '') return `tenants:\n${blockItem(fields, '  ')}`
  const document = parseDocument(text)
  const tenantsPair = pairOf(document.contents, 'tenants')
  if (tenantsPair === undefined || !isSeq(tenantsPair.value)) throw new TenantsTextError('the file has no tenants: list')
  const edited = appendItem(text, tenantsPair, tenantsPair.value, fields)
  return checked(document, edited, (data) => { data.tenants.push({ id: tenantId, keys: [plain(key)] }) })
}

export function removeKey (text: string, tenantId: string, keyIndex: number): string {
  const document = parseDocument(text)
  const keysPair = pairOf(tenantNode(document, tenantId), 'keys') as Pair<Node, YAMLSeq>
  const keys = keysPair.value as YAMLSeq<Node>
  const item = keys.items[keyIndex] as Node
  const [start, end] = range(item)
  let edited: string
  if (keys.flow === true) {
    const next = keys.items[keyIndex + 1]
    const previous = keys.items[keyIndex - 1]
    if (next !== undefined) edited = text.slice(0, start) + text.slice(range(next)[0])
    else if (previous !== undefined) edited = text.slice(0, range(previous)[1]) + text.slice(end)
    else edited = text.slice(0, start) + text.slice(end)
  } else if (keys.items.length > 1) {
    edited = text.slice(0, lineStart(text, start)) + text.slice(end)
  } else {
    // The last key: the list must stay a list (the schema requires one), so it becomes `keys: []`.
    const keyEnd = range(keysPair.key)[1]
    const seqEnd = range(keys)[1]
    const newline = text[seqEnd - 1] === '\n' ? '\n' : ''
    edited = `${text.slice(0, keyEnd)}: []${newline}${text.slice(seqEnd)}`
  }
  return checked(document, edited, (data) => { tenantData(data, tenantId).keys.splice(keyIndex, 1) })
}

function appendItem (text: string, pair: Pair, seq: YAMLSeq, fields: Fields): string {
  const [start, end] = range(seq)
  if (seq.flow !== true) {
    const indent = ' '.repeat(column(text, start))
    const newline = text[end - 1] === '\n' ? '' : '\n'
    return `${text.slice(0, end)}${newline}${blockItem(fields, indent)}${text.slice(end)}`
  }
  if (seq.items.length > 0) {
    const close = text.lastIndexOf(']', end - 1)
    const last = range(seq.items.at(-1))[1]
    return `${text.slice(0, last)}, ${flowMap(fields)}${text.slice(close)}`
  }
  // An empty `[]` becomes a block list under its key (the usual layout of the file).
  const indent = ' '.repeat(column(text, range(pair.key)[0]) + 2)
  let cut = start
  while (cut > 0 && (text[cut - 1] === ' ' || text[cut - 1] === '\t')) cut--
  return `${text.slice(0, cut)}\n${blockItem(fields, indent).replace(/\n$/, '')}${text.slice(end)}`
}

function blockItem (fields: Fields, indent: string): string {
  return fields.map(([name, value], index) => {
    const lead = index === 0 ? `${indent}- ` : `${indent}  `
    if (typeof value === 'string') return `${lead}${name}: ${scalar(value)}\n`
    return `${lead}${name}:\n${value.map((key) => blockItem(keyFields(key), `${indent}    `)).join('')}`
  }).join('')
}

function flowMap (fields: Fields): string {
  const parts = fields.map(([name, value]) => typeof value === 'string'
    ? `${name}: ${JSON.stringify(value)}`
    : `${name}: [${value.map((key) => flowMap(keyFields(key))).join(', ')}]`)
  return `{ ${parts.join(', ')} }`
}

function keyFields (key: KeyFields): Fields {
  return Object.entries(plain(key))
}

function plain (key: KeyFields): Record<string, string> {
  return Object.fromEntries(Object.entries(key).filter(([, value]) => value !== undefined))
}

/** A string as YAML reads it back: plain when that is unambiguous, else double-quoted. */
function scalar (value: string): string {
  const rendered = stringify(value, { lineWidth: 0 }).trimEnd()
  return rendered.includes('\n') ? JSON.stringify(value) : rendered
}

function tenantNode (document: Document, tenantId: string): YAMLMap {
  const tenants = document.get('tenants', true)
  const tenant = isSeq(tenants) ? tenants.items.find((item): item is YAMLMap => isMap(item) && item.get('id') === tenantId) : undefined
  if (tenant === undefined) throw new TenantsTextError(`no tenant ${tenantId}`)
  return tenant
}

function pairOf (map: unknown, name: string): Pair | undefined {
  if (!isMap(map)) return undefined
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === name)
}

function range (node: unknown): [number, number] {
  const found = (node as Node).range
  if (found === undefined || found === null) throw new TenantsTextError('the file has no source positions')
  return [found[0], found[1]]
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1
const column = (text: string, offset: number) => offset - lineStart(text, offset)

interface TenantsData { tenants: Array<{ id: string, keys: unknown[] }> }

function tenantData (data: TenantsData, tenantId: string): { keys: unknown[] } {
  return data.tenants.find((tenant) => tenant.id === tenantId) as { keys: unknown[] }
}

/** The edited text must read back as exactly the original data with the one change made. */
function checked (original: Document, edited: string, change: (data: TenantsData) => void): string {
  const expected = original.toJSON() as TenantsData
  change(expected)
  const actual = parseDocument(edited)
  if (actual.errors.length > 0 || JSON.stringify(actual.toJSON()) !== JSON.stringify(expected)) {
    throw new TenantsTextError('the file could not be edited in place without changing other entries')
  }
  return edited
}
