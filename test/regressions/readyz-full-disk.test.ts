// Regression: /readyz said ready on a full disk while every generation answered 503, because its
// probe wrote an empty file (which needs no data block). Now it writes a few KB for real, fsynced,
// and checks free space against READY_MIN_FREE_BYTES, so a load balancer stops sending work to a
// replica that cannot store.
import { execFile } from 'node:child_process'
import { mkdir, open, rm, statfs } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startTestGateway } from '../helpers/gateway.js'
import { makeDataDir } from '../helpers/temp-dir.js'

const run = promisify(execFile)

t.test('/readyz answers 503 storage: disk_full when free space is under READY_MIN_FREE_BYTES', async (t) => {
  const dataDir = await makeDataDir(t)
  const space = await statfs(dataDir)
  const aboveFree = String(space.bavail * space.bsize + 1024 ** 3) // a threshold this disk cannot meet
  const env = await startTestGateway(t, { dataDir, env: { READY_MIN_FREE_BYTES: aboveFree } })
  const probe = await fetch(`${env.url}/readyz`)
  t.equal(probe.status, 503)
  t.same(await probe.json(), { status: 'not_ready', checks: { storage: 'disk_full' } })
  t.ok(env.logLines.some((line) => line.includes('storage not ready') && line.includes('fewer than the')), 'the log says why')
})

t.test('/readyz answers ready when free space is above READY_MIN_FREE_BYTES', async (t) => {
  const env = await startTestGateway(t, { env: { READY_MIN_FREE_BYTES: String(1024 * 1024) } })
  const probe = await fetch(`${env.url}/readyz`)
  t.equal(probe.status, 200)
  t.same(await probe.json(), { status: 'ready', checks: { storage: 'ok' } })
})

t.test('/readyz answers 503 when the data directory cannot take a real write', async (t) => {
  const env = await startTestGateway(t)
  const tempDir = path.join(env.dataDir, '.tmp')
  await rm(tempDir, { recursive: true })
  await (await open(tempDir, 'w')).close() // a file where the write probe's folder was
  const probe = await fetch(`${env.url}/readyz`)
  t.equal(probe.status, 503)
  t.same(await probe.json(), { status: 'not_ready', checks: { storage: 'unavailable' } })
})

// A real full file system: a 1 MiB tmpfs, filled up. Needs root (mount); skipped otherwise.
t.test('/readyz answers 503 on a really full disk, where an empty file can still be created', async (t) => {
  const mountPoint = await makeDataDir(t)
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint])
  } catch (error) {
    // Not root, or no mount capability: nothing to test here (the free-space tests above still run).
    t.plan(0, `skipped: cannot mount a small tmpfs (${(error as Error).message.split('\n')[0] ?? ''})`)
    return
  }
  t.teardown(async () => { await run('umount', ['-l', mountPoint]) })
  const dataDir = path.join(mountPoint, 'data')
  await mkdir(dataDir)
  const env = await startTestGateway(t, { dataDir, env: { READY_MIN_FREE_BYTES: '0' } })
  t.equal((await fetch(`${env.url}/readyz`)).status, 200, 'ready while there is room')

  const filler = await open(path.join(mountPoint, 'filler'), 'w')
  await filler.write(Buffer.alloc(2 * 1024 * 1024)).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOSPC') throw error })
  await filler.close()
  t.equal((await statfs(mountPoint)).bavail, 0, 'the disk is full')
  await t.resolves((await open(path.join(mountPoint, 'empty'), 'wx')).close(), 'an empty file still fits: the old probe passed')

  const generation = await env.post('/generate', { prompt: 'full disk' })
  t.equal(generation.status, 503, 'a generation cannot be stored')
  t.equal(((await generation.json()) as { error: { code: string } }).error.code, 'storage_unavailable')
  const probe = await fetch(`${env.url}/readyz`)
  t.equal(probe.status, 503)
  t.same(await probe.json(), { status: 'not_ready', checks: { storage: 'unavailable' } })
})
