// One behavioural contract for every Storage driver; each driver's test file runs it.
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { Storage } from '../../src/storage/storage.js'

type Tap = Test

async function readAll (body: AsyncIterable<unknown> | Iterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

const png = { contentType: 'image/png' }

export function runStorageContract (t: Tap, driver: string, makeStorage: (t: Tap) => Promise<Storage>): void {
  t.test(`${driver}: put then getBytes returns the same bytes, small and large`, async (t) => {
    const storage = await makeStorage(t)
    for (const size of [1, 64 * 1024, 10 * 1024 * 1024 + 17]) {
      const bytes = randomBytes(size)
      await storage.put(`acme/gen_a/${size}.png`, bytes, png)
      t.ok((await storage.getBytes(`acme/gen_a/${size}.png`))?.equals(bytes), `${size} bytes round-trip`)
      t.equal((await storage.stat(`acme/gen_a/${size}.png`))?.bytes, size)
    }
  })

  t.test(`${driver}: openRead streams the whole object or an inclusive byte range`, async (t) => {
    const storage = await makeStorage(t)
    const bytes = randomBytes(5000)
    await storage.put('acme/gen_a/0.png', bytes, png)
    const whole = await storage.openRead('acme/gen_a/0.png')
    t.ok((await readAll(whole?.body ?? [])).equals(bytes))
    t.equal(whole?.info.bytes, 5000)
    const part = await storage.openRead('acme/gen_a/0.png', { start: 100, end: 199 })
    t.ok((await readAll(part?.body ?? [])).equals(bytes.subarray(100, 200)), 'bytes 100-199')
    t.equal(part?.info.bytes, 5000, 'info.bytes is the whole size')
  })

  t.test(`${driver}: missing keys read as undefined, never throw`, async (t) => {
    const storage = await makeStorage(t)
    t.equal(await storage.getBytes('acme/nothing/0.png'), undefined)
    t.equal(await storage.stat('acme/nothing/0.png'), undefined)
    t.equal(await storage.openRead('acme/nothing/0.png'), undefined)
    t.same(await storage.list('nobody/'), [])
    t.same(await storage.listFolders('nobody/', { limit: 10 }), { names: [], truncated: false })
  })

  t.test(`${driver}: list returns only the prefix's keys, ascending`, async (t) => {
    const storage = await makeStorage(t)
    for (const key of ['acme/g2/1.png', 'acme/g1/0.png', 'acme2/g1/0.png', 'acme/g2/0.png']) await storage.put(key, Buffer.from(key), png)
    t.same(await storage.list('acme/'), ['acme/g1/0.png', 'acme/g2/0.png', 'acme/g2/1.png'])
    t.same(await storage.list('acme/g2/'), ['acme/g2/0.png', 'acme/g2/1.png'])
  })

  t.test(`${driver}: listFolders pages through folder names in order`, async (t) => {
    const storage = await makeStorage(t)
    const names = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']
    for (const name of [...names].reverse()) {
      await storage.put(`acme/${name}/0.png`, Buffer.from('x'), png)
      await storage.put(`acme/${name}/manifest.json`, Buffer.from('{}'), { contentType: 'application/json' })
    }
    await storage.put('acme2/f0/0.png', Buffer.from('x'), png)
    const first = await storage.listFolders('acme/', { limit: 3 })
    t.same(first, { names: ['f1', 'f2', 'f3'], truncated: true })
    const second = await storage.listFolders('acme/', { limit: 3, startAfter: 'f3' })
    t.same(second, { names: ['f4', 'f5', 'f6'], truncated: true })
    const third = await storage.listFolders('acme/', { limit: 3, startAfter: 'f6' })
    t.same(third, { names: ['f7'], truncated: false })
  })

  t.test(`${driver}: delete removes objects, ignores missing ones, and listing is then empty`, async (t) => {
    const storage = await makeStorage(t)
    const keys = Array.from({ length: 12 }, (_, index) => `acme/gen_d/${index}.png`)
    for (const key of keys) await storage.put(key, Buffer.from(key), png)
    await storage.delete([...keys, 'acme/gen_d/99.png'])
    t.same(await storage.list('acme/gen_d/'), [])
    t.equal(await storage.stat(keys[0] as string), undefined)
  })

  t.test(`${driver}: keys that could escape the tenant prefix are refused`, async (t) => {
    const storage = await makeStorage(t)
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '', 'a/./b', 'a/b/..']) {
      await t.rejects(storage.put(key, Buffer.from('x'), png), /Unsafe storage key/, `put ${JSON.stringify(key)}`)
      await t.rejects(storage.getBytes(key), /Unsafe storage key/, `get ${JSON.stringify(key)}`)
    }
    await t.rejects(storage.list('../'), /Unsafe storage key/)
  })

  t.test(`${driver}: checkReady resolves when the backend is usable`, async (t) => {
    const storage = await makeStorage(t)
    await storage.checkReady()
    t.ok(true)
  })
}
