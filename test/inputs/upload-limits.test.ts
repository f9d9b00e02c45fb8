// Every upload limit over real HTTP: past it the answer is a 413 naming the field and the setting,
// and the request is not read further — a 1 GB upload is refused after a few megabytes, which is
// all the process ever held of it.
import net from 'node:net'
import t from 'tap'
import { errorOf, postForm } from './form-post.js'
import { startInputApp } from './input-app.js'
import { makeImage } from './test-images.js'

const MiB = 1024 * 1024

t.test('an image past UPLOAD_MAX_FILES is a 413 naming its field and the setting', async (t) => {
  const app = await startInputApp(t, { limits: { maxFiles: 3 } })
  const png = await makeImage('png')
  const answer = await postForm(`${app.url}/edits`, [['prompt', 'p'], ['image[]', png], ['image[]', png], ['image[]', png], ['image[]', png]])
  t.equal(answer.status, 413)
  t.match(errorOf(answer.body), { type: 'invalid_request_error', code: 'upload_too_large', param: 'image[]', message: /at most 3 per request \(UPLOAD_MAX_FILES\)/ })
})

t.test('a mask does not count against UPLOAD_MAX_FILES', async (t) => {
  const app = await startInputApp(t, { limits: { maxFiles: 2 } })
  const png = await makeImage('png', { alpha: true })
  const answer = await postForm(`${app.url}/edits`, [['prompt', 'p'], ['image[]', png], ['image[]', png], ['mask', png]])
  t.equal(answer.status, 200)
})

t.test('a file past UPLOAD_FILE_MAX_BYTES is a 413 naming its field and the setting', async (t) => {
  const app = await startInputApp(t, { limits: { fileMaxBytes: MiB, totalMaxBytes: 8 * MiB } })
  const answer = await postForm(`${app.url}/edits`, [['prompt', 'p'], ['image', await makeImage('png')], ['mask', Buffer.alloc(MiB + 1)]])
  t.equal(answer.status, 413)
  t.match(errorOf(answer.body), { code: 'upload_too_large', param: 'mask', message: /larger than the 1048576 bytes one file may have \(UPLOAD_FILE_MAX_BYTES\)/ })
})

t.test('a file of exactly UPLOAD_FILE_MAX_BYTES is read whole (then judged as an image)', async (t) => {
  const app = await startInputApp(t, { limits: { fileMaxBytes: MiB, totalMaxBytes: 8 * MiB } })
  const answer = await postForm(`${app.url}/edits`, [['prompt', 'p'], ['image', Buffer.alloc(MiB)]])
  t.equal(answer.status, 400, 'not a 413: the limit holds')
  t.match(errorOf(answer.body), { code: 'invalid_input_image', param: 'image' })
})

t.test('files past UPLOAD_TOTAL_MAX_BYTES in all are a 413 naming the field that crossed it', async (t) => {
  const app = await startInputApp(t, { limits: { fileMaxBytes: MiB, totalMaxBytes: 2 * MiB + MiB / 2 } })
  const file = Buffer.alloc(MiB)
  const answer = await postForm(`${app.url}/edits`, [['prompt', 'p'], ['image[]', file], ['image[]', file], ['mask', file]])
  t.equal(answer.status, 413)
  t.match(errorOf(answer.body), { code: 'upload_too_large', param: 'mask', message: /2621440 bytes one request may upload in all at 'mask' \(UPLOAD_TOTAL_MAX_BYTES\)/ })
})

t.test('a text field past UPLOAD_FIELD_MAX_BYTES is a 413 naming it and the setting', async (t) => {
  const app = await startInputApp(t, { limits: { fieldMaxBytes: 1024 } })
  const answer = await postForm(`${app.url}/edits`, [['prompt', 'x'.repeat(1025)], ['image', await makeImage('png')]])
  t.equal(answer.status, 413)
  t.match(errorOf(answer.body), { code: 'upload_too_large', param: 'prompt', message: /1024 bytes a text field may hold \(UPLOAD_FIELD_MAX_BYTES\)/ })
})

interface StreamedUpload {
  /** Bytes of the body the client managed to write before the answer came and the socket closed. */
  bodyBytesSent: number
  answer: string
}

/** Streams a multipart body of `totalBytes` (one file) as fast as the server takes it, until it answers. */
async function streamHugeUpload (url: string, totalBytes: number): Promise<StreamedUpload> {
  const { hostname, port } = new URL(url)
  const boundary = 'huge-upload-boundary'
  const partHead = `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n`
  const head = `POST /edits HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${totalBytes + partHead.length}\r\n\r\n${partHead}`
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  const socket = net.connect({ host: hostname, port: Number(port) })
  const received: Buffer[] = []
  let sent = 0
  let answered = false
  socket.on('data', (data) => { received.push(data); answered = true })
  await new Promise<void>((resolve) => {
    socket.on('error', () => {}) // a reset once the server closes on a writer is expected
    socket.on('close', () => resolve())
    socket.once('connect', () => {
      socket.write(head)
      // Writes while the socket takes more; stops once the server has answered.
      const pump = (): void => {
        while (sent < totalBytes) {
          if (answered || socket.destroyed) break
          sent += chunk.length
          if (!socket.write(chunk)) { socket.once('drain', pump); return }
        }
        socket.end()
      }
      pump()
    })
  })
  return { bodyBytesSent: sent, answer: Buffer.concat(received).toString('latin1') }
}

t.test('a 1 GB upload is refused with a 413 after little more than the limit was read, and the connection closed', async (t) => {
  const app = await startInputApp(t, { limits: { fileMaxBytes: MiB, totalMaxBytes: 2 * MiB } })
  const upload = await streamHugeUpload(app.url, 1024 * MiB)
  t.match(upload.answer, /^HTTP\/1\.1 413 /)
  t.match(upload.answer, /connection: close/i)
  t.match(upload.answer, /"code":"upload_too_large"/)
  t.match(upload.answer, /"param":"image"/)
  // What the client could write is the limit plus what the two sockets' buffers absorb; the
  // server read no more than that, and kept at most the limit of it.
  t.ok(upload.bodyBytesSent < 64 * MiB, `${upload.bodyBytesSent} bytes of 1 GB were sent before the connection closed`)
})
