import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import t from 'tap'
import { makeDataDir } from './helpers/temp-dir.js'
import { waitFor } from './helpers/wait-for.js'

interface Started { child: ChildProcessWithoutNullStreams, stdout: () => string, stderr: () => string }

function startServer (env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += String(chunk) })
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  return { child, stdout: () => stdout, stderr: () => stderr }
}

const exitOf = (child: ChildProcessWithoutNullStreams) => new Promise<number | null>((resolve) => {
  if (child.exitCode !== null) resolve(child.exitCode)
  else child.on('exit', (code) => resolve(code))
})

t.test('npm start on no configuration: simulated upstream, printed dev key, working durable link', async (t) => {
  const dataDir = await makeDataDir(t)
  const server = startServer({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const key = await waitFor(() => /Development API key for this run:\s+(\S+)/.exec(server.stdout())?.[1], 'the dev key')
  const url = await waitFor(() => /curl -s (http:\/\/\S+)\/generate/.exec(server.stdout())?.[1], 'the URL')
  t.match(server.stdout(), /IMAGES ARE SIMULATED/, 'a loud line says images are simulated')
  const response = await fetch(`${url}/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'a lighthouse at dusk' })
  })
  t.equal(response.status, 200)
  const answer = await response.json() as { data: Array<{ url: string }> }
  const image = await fetch(answer.data[0]?.url as string)
  t.equal(image.status, 200)
  t.equal(image.headers.get('content-type'), 'image/png')
  t.ok((await image.arrayBuffer()).byteLength > 1000)
  const logLines = server.stdout().split('\n').filter((line) => line.startsWith('{'))
  t.notOk(logLines.some((line) => line.includes(key)), 'the key is printed, never logged')
})

t.test('SIGTERM lets an in-flight generation finish and be stored, then exits 0', async (t) => {
  const dataDir = await makeDataDir(t)
  const server = startServer({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, API_KEYS: 'shutdown-key-0123456789', SIMULATOR_LATENCY_MS: '1500' })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const url = await waitFor(() => /"msg":"Server listening at (http:\/\/[^"]+)"/.exec(server.stdout())?.[1], 'listening')
  const inFlight = fetch(`${url}/generate`, {
    method: 'POST',
    headers: { authorization: 'Bearer shutdown-key-0123456789', 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'finish me' })
  })
  await waitFor(() => /"msg":"incoming request"/.test(server.stdout()) ? true : undefined, 'the request to arrive')
  server.child.kill('SIGTERM')
  const response = await inFlight
  t.equal(response.status, 200, 'the in-flight request completed')
  const answer = await response.json() as { id: string }
  t.equal(await exitOf(server.child), 0, 'clean exit')
  t.match(server.stdout(), /shut down cleanly/)
  const { readdir } = await import('node:fs/promises')
  t.ok((await readdir(`${dataDir}/default/${answer.id}`)).includes('manifest.json'), 'the generation was stored')
})
