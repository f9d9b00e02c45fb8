// Regression: the event stream forwarded every partial image the provider sent, however many: a
// provider (or a hostile one) sending hundreds of partials for partial_images: 1 had each passed on
// and buffered for the client. Now at most partial_images × n are forwarded; the rest are dropped
// (partials are previews, never stored), and the completed image still comes.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { startTestGateway } from '../helpers/gateway.js'
import { startHostileProvider } from '../helpers/hostile-provider.js'
import { makeDataDir } from '../helpers/temp-dir.js'
import { completedEvent, partialEvent, png, startEventStream } from '../upstream/provider-fixtures.js'

t.test('a provider sending more partials than asked has only partial_images × n forwarded', async (t) => {
  const [partial, final] = await Promise.all([png(64, 64, '#101010'), png(64, 64, '#202020')])
  const provider = await startHostileProvider(t, (_request, response) => {
    startEventStream(response)
    for (let index = 0; index < 20; index++) response.write(partialEvent('image_generation', index, partial))
    response.end(completedEvent('image_generation', final))
  })
  const dir = await makeDataDir(t)
  const file = path.join(dir, 'upstreams.yaml')
  await writeFile(file, stringify({ upstreams: [{ name: 'chatty', baseUrl: provider.baseUrl, maxRetries: 0 }], routes: [{ model: '*', targets: [{ upstream: 'chatty' }] }] }))
  const env = await startTestGateway(t, { env: { UPSTREAMS_FILE: file } })
  const response = await env.post('/v1/images/generations', { prompt: 'x', size: '64x64', stream: true, partial_images: 2 })
  const text = await response.text()
  const types = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1])
  t.same(types, ['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed'])
})
