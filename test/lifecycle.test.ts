// The gateway's start and close order: what started last stops first, one failing stop does not
// leave the others running, and closing twice stops things once.
import t from 'tap'
import { Lifecycle } from '../src/lifecycle.js'

t.test('stops everything in reverse start order', async (t) => {
  const lifecycle = new Lifecycle()
  const stopped: string[] = []
  for (const name of ['storage', 'flusher', 'redis', 'app']) lifecycle.started(() => { stopped.push(name) })
  await lifecycle.stopAll()
  t.same(stopped, ['app', 'redis', 'flusher', 'storage'])
})

t.test('waits for each stop before the next one', async (t) => {
  const lifecycle = new Lifecycle()
  const stopped: string[] = []
  lifecycle.started(() => { stopped.push('storage') })
  lifecycle.started(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    stopped.push('app drained')
  })
  await lifecycle.stopAll()
  t.same(stopped, ['app drained', 'storage'])
})

t.test('a stop that fails does not keep the others from stopping, and its error is thrown', async (t) => {
  const lifecycle = new Lifecycle()
  const stopped: string[] = []
  lifecycle.started(() => { stopped.push('storage') })
  lifecycle.started(() => { throw new Error('redis close failed') })
  lifecycle.started(async () => { throw new Error('simulator close failed') })
  lifecycle.started(() => { stopped.push('app') })
  await t.rejects(lifecycle.stopAll(), { message: 'simulator close failed' }, 'the first failure')
  t.same(stopped, ['app', 'storage'])
})

t.test('stopping twice, even at once, stops each thing once', async (t) => {
  const lifecycle = new Lifecycle()
  let stops = 0
  lifecycle.started(async () => {
    await new Promise((resolve) => setTimeout(resolve, 10))
    stops++
  })
  await Promise.all([lifecycle.stopAll(), lifecycle.stopAll()])
  await lifecycle.stopAll()
  t.equal(stops, 1)
})
