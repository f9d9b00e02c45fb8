import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { LocalStorage } from '../../src/storage/local-storage.js'
import { makeDataDir } from '../helpers/temp-dir.js'

async function freshStorage (t: Parameters<typeof makeDataDir>[0]) {
  const root = await makeDataDir(t)
  const storage = new LocalStorage({ rootDir: root, fsync: true })
  await storage.init()
  return { root, storage }
}

const png = { contentType: 'image/png' }

t.test('put then read returns the same bytes, whole or by range', async (t) => {
  const { storage } = await freshStorage(t)
  const bytes = Buffer.from('0123456789abcdef')
  await storage.put('acme/gen_1/0.png', bytes, png)
  t.ok((await storage.getBytes('acme/gen_1/0.png'))?.equals(bytes))
  const part = await storage.openRead('acme/gen_1/0.png', { start: 2, end: 5 })
  const chunks: Buffer[] = []
  for await (const chunk of part?.body ?? []) chunks.push(chunk as Buffer)
  t.equal(Buffer.concat(chunks).toString(), '2345')
  t.equal(part?.info.bytes, 16)
})

t.test('missing keys read as undefined', async (t) => {
  const { storage } = await freshStorage(t)
  t.equal(await storage.getBytes('acme/nothing'), undefined)
  t.equal(await storage.stat('acme/nothing'), undefined)
  t.equal(await storage.openRead('acme/nothing'), undefined)
  t.same(await storage.list('nobody/'), [])
})

t.test('writes leave no temporary files behind', async (t) => {
  const { root, storage } = await freshStorage(t)
  await Promise.all([0, 1, 2, 3].map((index) => storage.put(`acme/gen_1/${index}.png`, Buffer.alloc(1000, index), png)))
  t.same(await readdir(path.join(root, '.tmp')), [])
  t.same(await storage.list('acme/'), ['acme/gen_1/0.png', 'acme/gen_1/1.png', 'acme/gen_1/2.png', 'acme/gen_1/3.png'])
})

t.test('temporary files left by a crash are removed at start', async (t) => {
  const { root } = await freshStorage(t)
  await writeFile(path.join(root, '.tmp', 'abandoned.part'), 'half an image')
  await new LocalStorage({ rootDir: root, fsync: false }).init()
  t.same(await readdir(path.join(root, '.tmp')), [])
})

t.test('delete removes objects and ignores missing ones', async (t) => {
  const { root, storage } = await freshStorage(t)
  await storage.put('acme/gen_1/0.png', Buffer.from('x'), png)
  await storage.delete(['acme/gen_1/0.png', 'acme/gen_1/9.png'])
  t.equal(await storage.stat('acme/gen_1/0.png'), undefined)
  t.same(await readdir(path.join(root, 'acme')), [], 'emptied folder removed')
})

t.test('keys that could escape the root are refused', async (t) => {
  const { root, storage } = await freshStorage(t)
  await writeFile(path.join(path.dirname(root), 'outside.txt'), 'secret')
  for (const key of ['../outside.txt', 'acme/../../outside.txt', '/etc/passwd', 'acme//x', 'acme/.hidden', '', 'acme/x\u0000y', 'acme\\..\\x']) {
    await t.rejects(storage.getBytes(key), /Unsafe storage key/, `read ${JSON.stringify(key)}`)
    await t.rejects(storage.put(key, Buffer.from('x'), png), /Unsafe storage key/, `write ${JSON.stringify(key)}`)
  }
  t.equal(await readFile(path.join(path.dirname(root), 'outside.txt'), 'utf8'), 'secret')
})

t.test('checkReady fails when the root is not writable', async (t) => {
  const { storage } = await freshStorage(t)
  await t.resolves(storage.checkReady())
  const broken = new LocalStorage({ rootDir: '/proc/igw-cannot-exist', fsync: false })
  await t.rejects(broken.checkReady())
})
