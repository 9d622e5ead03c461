// A broker's effective topic configs (BrokerConfig.topicConfigValues), which Produce reads on
// every request and the broker keeps between changes: a topic's own value, then the broker's
// dynamic values (its own, then the cluster default), then what it was started with, then
// Kafka's default, and every change of any layer is seen at once.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QuorumController } from '../../src-main/broker/controller/quorum-controller'
import { localMetadataView } from '../../src-main/broker/controller/local-channel'
import { BrokerConfig } from '../../src-main/broker/broker-config'

const dirs: string[] = []
const controllers: QuorumController[] = []
afterEach(() => {
  for (const c of controllers.splice(0)) c.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function cluster() {
  const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-broker-config-'))
  dirs.push(dir)
  const c = new QuorumController({ dataDir: dir, configs: {} })
  controllers.push(c)
  const view = localMetadataView(c)
  view.registerBroker({ nodeId: 1, host: '127.0.0.1', port: 9001, rack: null })
  view.createTopic('orders', view.assign(1, 1), {})
  return { view, config: new BrokerConfig(view, { 'min.insync.replicas': '2' }, 1) }
}

describe('effective topic configs', () => {
  it('follow every layer as it changes', () => {
    const { view, config } = cluster()
    const minIsr = () => config.topicConfigValues(view.topics.get('orders')!.configs)['min.insync.replicas']
    expect(minIsr()).toBe('2')
    expect(minIsr()).toBe('2')
    view.setBrokerConfigs({ 'min.insync.replicas': '3' })
    expect(minIsr()).toBe('3')
    view.setBrokerConfigs({ 'min.insync.replicas': '1' }, 1)
    expect(minIsr()).toBe('1')
    view.setTopicConfigs('orders', { 'min.insync.replicas': '4' })
    expect(minIsr()).toBe('4')
    view.setTopicConfigs('orders', {})
    expect(minIsr()).toBe('1')
    view.setBrokerConfigs({}, 1)
    expect(minIsr()).toBe('3')
  })

  it('are not changed by a caller', () => {
    const { view, config } = cluster()
    const values = config.topicConfigValues(view.topics.get('orders')!.configs) as Record<string, string>
    expect(() => {
      values['min.insync.replicas'] = '9'
    }).toThrow()
    expect(config.topicConfigValues(view.topics.get('orders')!.configs)['min.insync.replicas']).toBe('2')
  })
})
