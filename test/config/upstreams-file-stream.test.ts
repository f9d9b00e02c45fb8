// The upstreams file's `stream` capability: true unless an entry says false, and the default
// upstream (UPSTREAM_* variables) streams.
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import t, { type Test } from 'tap'
import { stringify } from 'yaml'
import { ConfigError, loadConfig } from '../../src/config/load-config.js'
import { loadUpstreamPlan } from '../../src/config/load-upstreams.js'
import { makeDataDir } from '../helpers/temp-dir.js'

async function planFrom (t: Test, upstreams: unknown[]): Promise<ReturnType<typeof loadUpstreamPlan>> {
  const file = path.join(await makeDataDir(t), 'upstreams.yaml')
  await writeFile(file, stringify({ upstreams, routes: [{ model: '*', targets: [{ upstream: 'a' }] }] }))
  return loadUpstreamPlan(loadConfig({ UPSTREAMS_FILE: file }), {})
}

t.test('the default upstream streams', async (t) => {
  t.same(loadUpstreamPlan(loadConfig({}), {}).upstreams.map((upstream) => upstream.stream), [true])
})

t.test('a file entry streams unless it says stream: false', async (t) => {
  const plan = await planFrom(t, [
    { name: 'a', baseUrl: 'http://a.example/v1' },
    { name: 'b', baseUrl: 'http://b.example/v1', stream: false },
    { name: 'c', baseUrl: 'http://c.example/v1', stream: true }
  ])
  t.same(plan.upstreams.map((upstream) => [upstream.name, upstream.stream]), [['a', true], ['b', false], ['c', true]])
})

t.test('stream must be a boolean', async (t) => {
  await t.rejects(planFrom(t, [{ name: 'a', baseUrl: 'http://a.example/v1', stream: 'sometimes' }]), ConfigError)
})
