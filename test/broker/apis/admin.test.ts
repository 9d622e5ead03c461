import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, ConfigResourceTypes, logLevel, type Admin } from 'kafkajs'
import { EmbeddedCluster } from '../../../src-main/broker/cluster'
import { RawClient } from '../../../src-main/console/raw-client'
import type { ApiRequestInput } from '../../../src-main/broker/protocol/api'

const TOPIC = 2
const BROKER = 4

let dataDir: string
let cluster: EmbeddedCluster
let kafka: Kafka
let admin: Admin
let raw: RawClient

async function startCluster(): Promise<void> {
  cluster = new EmbeddedCluster({ brokers: 3, port: 0, dataDir, log: () => {} })
  await cluster.start()
  kafka = new Kafka({
    brokers: cluster.bootstrap().split(','),
    clientId: 'admin-test',
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 50 },
  })
  admin = kafka.admin()
  await admin.connect()
  raw = await RawClient.connect(`${cluster.brokers[0].host}:${cluster.brokers[0].port}`)
}

async function stopCluster(): Promise<void> {
  raw?.close()
  await admin?.disconnect()
  await cluster?.stop()
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-admin-'))
  await startCluster()
})

afterAll(async () => {
  await stopCluster()
  rmSync(dataDir, { recursive: true, force: true })
})

const creatable = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  numPartitions: 2,
  replicationFactor: 1,
  assignments: [],
  configs: [],
  ...extra,
})

describe('CreateTopics', () => {
  it('creates topics with configs and reports them in metadata', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'ct-a', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] })).toBe(true)
    const md = await admin.fetchTopicMetadata({ topics: ['ct-a'] })
    expect(md.topics[0].partitions).toHaveLength(3)
    expect(cluster.metadata.topics.get('ct-a')!.configs).toEqual({ 'retention.ms': '3600000' })
    // A second create of the same name: TOPIC_ALREADY_EXISTS, which kafkajs reports as false.
    expect(await admin.createTopics({ topics: [{ topic: 'ct-a' }] })).toBe(false)
  })

  it('validateOnly checks without creating', async () => {
    await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'ct-vo', numPartitions: 2 }] })
    expect(cluster.metadata.topics.has('ct-vo')).toBe(false)
    await expect(
      admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'ct-vo', configEntries: [{ name: 'retention.ms', value: 'abc' }] }] }),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })],
    })
  })

  it('refuses bad configs, names, counts and assignments with Kafka codes and messages', async () => {
    const res = await raw.request(19, 7, {
      topics: [
        creatable('ct-bad1', { configs: [{ name: 'retention.ms', value: 'abc' }] }),
        creatable('ct-bad2', { configs: [{ name: 'foo.bar', value: '1' }] }),
        creatable('ct-bad3', { configs: [{ name: 'cleanup.policy', value: 'compact,foo' }] }),
        creatable('bad name'),
        creatable('ct-p0', { numPartitions: 0 }),
        creatable('ct-rf4', { replicationFactor: 4 }),
        creatable('ct-as1', { assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
        creatable('ct-as2', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [9] }] }),
        creatable('ct-dup'),
        creatable('ct-dup'),
      ],
      timeoutMs: 5000,
      validateOnly: false,
    })
    const byName = Object.fromEntries(res.topics.map((t: any) => [t.name, [t.errorCode, t.errorMessage]]))
    expect(byName).toEqual({
      'ct-bad1': [40, 'Invalid value abc for configuration retention.ms: Not a number of type LONG'],
      'ct-bad2': [40, 'Unknown topic config name: foo.bar'],
      'ct-bad3': [40, 'Invalid value compact,foo for configuration cleanup.policy: String must be one of: compact, delete'],
      'bad name': [17, "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
      'ct-p0': [37, 'Number of partitions was set to an invalid non-positive value.'],
      'ct-rf4': [
        38,
        'Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.',
      ],
      'ct-as1': [42, 'A manual partition assignment was specified, but replication factor was not set to -1.'],
      'ct-as2': [39, 'The manual partition assignment includes broker 9, but no such broker is registered.'],
      'ct-dup': [42, 'Duplicate topic name.'],
    })
    for (const n of Object.keys(byName)) expect(cluster.metadata.topics.has(n)).toBe(false)
  })

  it('v5+ answers with partitions, replication factor and every config with its source', async () => {
    const res = await raw.request(19, 7, {
      topics: [
        creatable('ct-v7', { numPartitions: -1, replicationFactor: -1, configs: [{ name: 'retention.ms', value: '1000' }] }),
        creatable('ct-man', {
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [
            { partitionIndex: 0, brokerIds: [2, 3] },
            { partitionIndex: 1, brokerIds: [3, 1] },
          ],
        }),
      ],
      timeoutMs: 5000,
      validateOnly: false,
    })
    const [t, m] = res.topics
    expect(t).toMatchObject({ name: 'ct-v7', errorCode: 0, errorMessage: null, numPartitions: 1, replicationFactor: 1 })
    expect(t.topicId).toEqual(Buffer.from(cluster.metadata.topics.get('ct-v7')!.topicId, 'base64'))
    const cfg = Object.fromEntries((t.configs ?? []).map((c: any) => [c.name, c]))
    expect(cfg['retention.ms']).toMatchObject({ value: '1000', configSource: 1, readOnly: false, isSensitive: false })
    expect(cfg['segment.bytes']).toMatchObject({ value: '1073741824', configSource: 5 })
    expect(cfg['cleanup.policy']).toMatchObject({ value: 'delete', configSource: 5 })
    expect(m).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 2 })
    expect(cluster.metadata.topics.get('ct-man')!.partitions.map((p) => p.replicas)).toEqual([
      [2, 3],
      [3, 1],
    ])
    // Old versions: no v5 fields.
    const v4 = await raw.request(19, 4, { topics: [creatable('ct-v4')], timeoutMs: 5000, validateOnly: true })
    expect(v4.topics[0]).toMatchObject({ name: 'ct-v4', errorCode: 0, errorMessage: null })
  })
})

describe('DeleteTopics', () => {
  it('deletes by name and reports unknown topics', async () => {
    await admin.createTopics({ topics: [{ topic: 'dt-a' }, { topic: 'dt-b' }] })
    await admin.deleteTopics({ topics: ['dt-a'] })
    expect(cluster.metadata.topics.has('dt-a')).toBe(false)
    await expect(admin.deleteTopics({ topics: ['dt-nope'] })).rejects.toMatchObject({ cause: { type: 'UNKNOWN_TOPIC_OR_PARTITION' } })
    const r = await raw.request(20, 5, { topicNames: ['dt-nope'], timeoutMs: 5000 })
    expect(r.responses[0]).toMatchObject({ name: 'dt-nope', errorCode: 3, errorMessage: 'This server does not host this topic-partition.' })
  })

  it('v6 deletes by topic id and checks name/id combinations', async () => {
    const id = Buffer.from(cluster.metadata.topics.get('dt-b')!.topicId, 'base64')
    const res = await raw.request(20, 6, {
      topics: [
        { name: null, topicId: id },
        { name: null, topicId: Buffer.alloc(16, 7) },
        { name: 'x', topicId: Buffer.alloc(16, 8) },
        { name: null, topicId: Buffer.alloc(16) },
      ],
      timeoutMs: 5000,
    })
    expect(res.responses.map((r: any) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      ['dt-b', 0, null],
      [null, 100, 'This server does not host this topic ID.'],
      ['x', 42, 'You may not specify both topic name and topic id.'],
      [null, 42, 'Neither topic name nor id were specified.'],
    ])
    expect(cluster.metadata.topics.has('dt-b')).toBe(false)
  })

  it('refuses internal topics', async () => {
    cluster.metadata.createTopic('__consumer_offsets', cluster.metadata.assign(1, 1), {}, true)
    const res = await raw.request(20, 5, { topicNames: ['__consumer_offsets'], timeoutMs: 5000 })
    expect(res.responses[0].errorCode).toBe(17)
    expect(cluster.metadata.topics.has('__consumer_offsets')).toBe(true)
  })
})

describe('CreatePartitions', () => {
  it('adds partitions, refuses decreases with INVALID_PARTITIONS, honours validateOnly and assignments', async () => {
    await admin.createTopics({ topics: [{ topic: 'cp-a', numPartitions: 2 }] })
    await admin.createPartitions({ topicPartitions: [{ topic: 'cp-a', count: 4 }] })
    expect((await admin.fetchTopicMetadata({ topics: ['cp-a'] })).topics[0].partitions).toHaveLength(4)
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'cp-a', count: 3 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' })
    const res = await raw.request(37, 3, {
      topics: [
        { name: 'cp-a', count: 3, assignments: null },
        { name: 'cp-a2', count: 3, assignments: null },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    })
    expect(res.results).toEqual([
      { name: 'cp-a', errorCode: 37, errorMessage: 'The topic cp-a currently has 4 partition(s); 3 would not be an increase.' },
      { name: 'cp-a2', errorCode: 3, errorMessage: null },
    ])
    const same = await raw.request(37, 3, { topics: [{ name: 'cp-a', count: 4, assignments: null }], timeoutMs: 5000, validateOnly: false })
    expect(same.results[0]).toMatchObject({ errorCode: 37, errorMessage: 'Topic already has 4 partition(s).' })
    const vo = await raw.request(37, 3, {
      topics: [{ name: 'cp-a', count: 6, assignments: [{ brokerIds: [2] }, { brokerIds: [3] }] }],
      timeoutMs: 5000,
      validateOnly: true,
    })
    expect(vo.results[0].errorCode).toBe(0)
    expect(cluster.metadata.topics.get('cp-a')!.partitions).toHaveLength(4)
    const bad = await raw.request(37, 3, { topics: [{ name: 'cp-a', count: 6, assignments: [{ brokerIds: [2] }] }], timeoutMs: 5000, validateOnly: false })
    expect(bad.results[0]).toMatchObject({
      errorCode: 39,
      errorMessage: 'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.',
    })
    const ok = await raw.request(37, 3, {
      topics: [{ name: 'cp-a', count: 6, assignments: [{ brokerIds: [2] }, { brokerIds: [3] }] }],
      timeoutMs: 5000,
      validateOnly: false,
    })
    expect(ok.results[0].errorCode).toBe(0)
    expect(
      cluster.metadata.topics
        .get('cp-a')!
        .partitions.slice(4)
        .map((p) => p.replicas),
    ).toEqual([[2], [3]])
  })
})

describe('DescribeConfigs / AlterConfigs / IncrementalAlterConfigs', () => {
  it('describes topic configs with sources, and alters them (whole set replaced)', async () => {
    await admin.createTopics({ topics: [{ topic: 'cfg-a', configEntries: [{ name: 'retention.ms', value: '1000' }] }] })
    const describe = async () => {
      const r = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg-a', configNames: ['retention.ms', 'segment.bytes', 'cleanup.policy'] }],
      })
      return Object.fromEntries(r.resources[0].configEntries.map((e) => [e.configName, e]))
    }
    let c = await describe()
    expect(Object.keys(c).sort()).toEqual(['cleanup.policy', 'retention.ms', 'segment.bytes'])
    expect(c['retention.ms']).toMatchObject({ configValue: '1000', isDefault: false, readOnly: false })
    expect(c['segment.bytes']).toMatchObject({ configValue: '1073741824', isDefault: true })
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg-a', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    })
    c = await describe()
    // AlterConfigs replaces the whole set: retention.ms falls back to its default.
    expect(c['cleanup.policy']).toMatchObject({ configValue: 'compact', isDefault: false })
    expect(c['retention.ms']).toMatchObject({ configValue: '604800000', isDefault: true })
    await admin.alterConfigs({
      validateOnly: true,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg-a', configEntries: [{ name: 'retention.ms', value: '5' }] }],
    })
    expect(cluster.metadata.topics.get('cfg-a')!.configs).toEqual({ 'cleanup.policy': 'compact' })
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg-a', configEntries: [{ name: 'retention.ms', value: 'xyz' }] }],
      }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' })
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg-a', configEntries: [{ name: 'no.such.config', value: '1' }] }],
      }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' })
    await expect(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg-nope' }] })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    })
  })

  it('raw DescribeConfigs: synonyms, documentation, config types, v0 isDefault', async () => {
    const r = await raw.request(32, 4, {
      resources: [{ resourceType: TOPIC, resourceName: 'cfg-a', configurationKeys: ['cleanup.policy', 'retention.ms'] }],
      includeSynonyms: true,
      includeDocumentation: true,
    })
    const c = Object.fromEntries(r.results[0].configs.map((x: any) => [x.name, x]))
    expect(r.results[0]).toMatchObject({ errorCode: 0, errorMessage: '' })
    expect(c['cleanup.policy']).toMatchObject({ value: 'compact', configSource: 1, configType: 7 })
    expect(c['cleanup.policy'].synonyms).toEqual([
      { name: 'cleanup.policy', value: 'compact', source: 1 },
      { name: 'log.cleanup.policy', value: 'delete', source: 5 },
    ])
    expect(c['retention.ms'].configType).toBe(5)
    expect(c['retention.ms'].documentation).toMatch(/retention|log segment|kept/i)
    const v0 = await raw.request(32, 0, { resources: [{ resourceType: TOPIC, resourceName: 'cfg-a', configurationKeys: ['cleanup.policy', 'segment.bytes'] }] })
    const c0 = Object.fromEntries(v0.results[0].configs.map((x: any) => [x.name, x]))
    expect(c0['cleanup.policy'].isDefault).toBe(false)
    expect(c0['segment.bytes'].isDefault).toBe(true)
  })

  it('broker configs: this broker, cluster default, and wrong ids', async () => {
    const r = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.ms', 'delete.topic.enable'] }],
    })
    const c = Object.fromEntries(r.resources[0].configEntries.map((e) => [e.configName, e]))
    // unset by default, as in Kafka (log.retention.hours=168 gives topics their 7 days)
    expect(c['log.retention.ms']).toMatchObject({ configValue: null, readOnly: false })
    expect(c['delete.topic.enable']).toMatchObject({ configValue: 'true', readOnly: true })
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.retention.ms', value: '7200000' }] }],
    })
    const after = await raw.request(32, 4, {
      resources: [
        { resourceType: BROKER, resourceName: '1', configurationKeys: ['log.retention.ms'] },
        { resourceType: TOPIC, resourceName: 'cfg-a', configurationKeys: ['retention.ms'] },
      ],
      includeSynonyms: true,
      includeDocumentation: false,
    })
    expect(after.results[0].configs[0]).toMatchObject({ name: 'log.retention.ms', value: '7200000', configSource: 2 })
    // The topic inherits the broker's dynamic value.
    expect(after.results[1].configs[0]).toMatchObject({ name: 'retention.ms', value: '7200000', configSource: 2 })
    const wrong = await raw.request(32, 4, {
      resources: [{ resourceType: BROKER, resourceName: '2', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    expect(wrong.results[0]).toMatchObject({ errorCode: 42, errorMessage: 'Unexpected broker id, expected 1 or empty string, but received 2' })
    // Read-only broker configs cannot be altered: INVALID_REQUEST, as Kafka's broker answers.
    const ro = await raw.request(33, 2, {
      resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'auto.create.topics.enable', value: 'false' }] }],
      validateOnly: false,
    })
    expect(ro.responses[0]).toMatchObject({ errorCode: 42, errorMessage: 'Cannot update these configs dynamically: Set(auto.create.topics.enable)' })
    // Cluster-wide defaults live under the empty name.
    await raw.request(33, 2, {
      resources: [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'message.max.bytes', value: '2000000' }] }],
      validateOnly: false,
    })
    const def = await raw.request(32, 4, {
      resources: [{ resourceType: BROKER, resourceName: '', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    expect(def.results[0].configs.map((x: any) => [x.name, x.value, x.configSource])).toEqual([['message.max.bytes', '2000000', 3]])
  })

  it('IncrementalAlterConfigs: SET, DELETE, APPEND, SUBTRACT and validateOnly', async () => {
    await admin.createTopics({ topics: [{ topic: 'iac-a' }] })
    const alter = (resources: ApiRequestInput<44>['resources'], validateOnly = false) => raw.request(44, 1, { resources, validateOnly })
    let r = await alter([
      {
        resourceType: TOPIC,
        resourceName: 'iac-a',
        configs: [
          { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
          { name: 'retention.ms', configOperation: 0, value: '1234' },
        ],
      },
    ])
    expect(r.responses[0]).toMatchObject({ errorCode: 0, resourceName: 'iac-a' })
    expect(cluster.metadata.topics.get('iac-a')!.configs).toEqual({ 'cleanup.policy': 'delete,compact', 'retention.ms': '1234' })
    r = await alter([
      {
        resourceType: TOPIC,
        resourceName: 'iac-a',
        configs: [
          { name: 'cleanup.policy', configOperation: 3, value: 'delete' },
          { name: 'retention.ms', configOperation: 1, value: null },
        ],
      },
    ])
    expect(r.responses[0].errorCode).toBe(0)
    expect(cluster.metadata.topics.get('iac-a')!.configs).toEqual({ 'cleanup.policy': 'compact' })
    r = await alter([{ resourceType: TOPIC, resourceName: 'iac-a', configs: [{ name: 'segment.ms', configOperation: 0, value: '99' }] }], true)
    expect(r.responses[0].errorCode).toBe(0)
    expect(cluster.metadata.topics.get('iac-a')!.configs).toEqual({ 'cleanup.policy': 'compact' })
    r = await alter([
      { resourceType: TOPIC, resourceName: 'iac-a', configs: [{ name: 'retention.ms', configOperation: 2, value: '5' }] },
      { resourceType: TOPIC, resourceName: 'iac-nope', configs: [{ name: 'retention.ms', configOperation: 0, value: '5' }] },
    ])
    expect(r.responses.map((x: any) => [x.errorCode, x.errorMessage])).toEqual([
      [40, "Can't APPEND to key retention.ms because its type is not LIST."],
      [3, "The topic 'iac-nope' does not exist."],
    ])
    r = await alter([{ resourceType: TOPIC, resourceName: 'iac-a', configs: [{ name: 'retention.ms', configOperation: 0, value: 'zz' }] }])
    expect(r.responses[0]).toMatchObject({ errorCode: 40, errorMessage: 'Invalid value zz for configuration retention.ms: Not a number of type LONG' })
    r = await alter([{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.cleanup.policy', configOperation: 2, value: 'compact' }] }])
    expect(r.responses[0].errorCode).toBe(0)
    expect(cluster.brokers[0].config.resolve('log.cleanup.policy', 1)!.value).toBe('delete,compact')
    r = await alter([{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.cleanup.policy', configOperation: 1, value: null }] }])
    expect(cluster.brokers[0].config.resolve('log.cleanup.policy', 1)!.value).toBe('delete')
  })
})

describe('DeleteRecords', () => {
  it('moves the low watermark, -1 means the high watermark, beyond it is OFFSET_OUT_OF_RANGE', async () => {
    await admin.createTopics({ topics: [{ topic: 'dr-a', numPartitions: 1 }] })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'dr-a', messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) })
    await producer.disconnect()
    // kafkajs looks the leader up before loading the topic's metadata: load it first (as against real Kafka).
    await admin.fetchTopicOffsets('dr-a')
    await admin.deleteTopicRecords({ topic: 'dr-a', partitions: [{ partition: 0, offset: '4' }] })
    const offs = await admin.fetchTopicOffsets('dr-a')
    expect(offs[0]).toMatchObject({ low: '4', high: '10' })
    await expect(admin.deleteTopicRecords({ topic: 'dr-a', partitions: [{ partition: 0, offset: '11' }] })).rejects.toThrow()
    const leader = cluster.metadata.topics.get('dr-a')!.partitions[0].leader
    const b = cluster.brokers.find((x) => x.nodeId === leader)!
    const c = await RawClient.connect(`${b.host}:${b.port}`)
    try {
      const r = await c.request(21, 2, {
        topics: [
          {
            name: 'dr-a',
            partitions: [
              { partitionIndex: 0, offset: 11 },
              { partitionIndex: 5, offset: 0 },
            ],
          },
          { name: 'dr-nope', partitions: [{ partitionIndex: 0, offset: 0 }] },
        ],
        timeoutMs: 5000,
      })
      expect(r.topics).toEqual([
        {
          name: 'dr-a',
          partitions: [
            { partitionIndex: 0, lowWatermark: -1, errorCode: 1 },
            { partitionIndex: 5, lowWatermark: -1, errorCode: 3 },
          ],
        },
        { name: 'dr-nope', partitions: [{ partitionIndex: 0, lowWatermark: -1, errorCode: 3 }] },
      ])
      const all = await c.request(21, 2, { topics: [{ name: 'dr-a', partitions: [{ partitionIndex: 0, offset: -1 }] }], timeoutMs: 5000 })
      expect(all.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 10, errorCode: 0 })
      const lower = await c.request(21, 0, { topics: [{ name: 'dr-a', partitions: [{ partitionIndex: 0, offset: 2 }] }], timeoutMs: 5000 })
      expect(lower.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 10, errorCode: 0 })
    } finally {
      c.close()
    }
    const other = cluster.brokers.find((x) => x.nodeId !== leader)!
    const o = await RawClient.connect(`${other.host}:${other.port}`)
    try {
      const r = await o.request(21, 2, { topics: [{ name: 'dr-a', partitions: [{ partitionIndex: 0, offset: 1 }] }], timeoutMs: 5000 })
      expect(r.topics[0].partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: -1, errorCode: 6 })
    } finally {
      o.close()
    }
  })
})

describe('DescribeCluster and DescribeLogDirs', () => {
  it('describes the cluster through kafkajs and raw v0-v2', async () => {
    const d = await admin.describeCluster()
    expect(d.clusterId).toBe(cluster.metadata.clusterId)
    expect(d.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3])
    expect(d.controller).toBe(cluster.metadata.controllerId)
    const v2 = await raw.request(60, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: false })
    expect(v2).toMatchObject({
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: cluster.metadata.clusterId,
      controllerId: cluster.metadata.controllerId,
    })
    expect(v2.brokers.map((b: any) => [b.brokerId, b.port, b.isFenced])).toEqual(cluster.brokers.map((b) => [b.nodeId, b.port, false]))
    const ctrl = await raw.request(60, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })
    expect(ctrl).toMatchObject({
      errorCode: 114,
      errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER',
      brokers: [],
    })
    const v0 = await raw.request(60, 0, { includeClusterAuthorizedOperations: false })
    expect(v0.brokers).toHaveLength(3)
  })

  it('lists the log dir with partition sizes and disk space', async () => {
    const leader = cluster.metadata.topics.get('dr-a')!.partitions[0].leader
    const b = cluster.brokers.find((x) => x.nodeId === leader)!
    const c = await RawClient.connect(`${b.host}:${b.port}`)
    try {
      const r = await c.request(35, 4, {
        topics: [
          { topic: 'dr-a', partitions: [0, 7] },
          { topic: 'ld-nope', partitions: [0] },
        ],
      })
      expect(r.errorCode).toBe(0)
      expect(r.results).toHaveLength(1)
      const dir = r.results[0]
      expect(dir.errorCode).toBe(0)
      expect(dir.logDir).toBe(b.logDir)
      expect(dir.totalBytes).toBeGreaterThan(0)
      expect(dir.usableBytes).toBeGreaterThan(0)
      expect(dir.usableBytes).toBeLessThanOrEqual(dir.totalBytes)
      expect(dir.topics).toHaveLength(1)
      expect(dir.topics[0].name).toBe('dr-a')
      expect(dir.topics[0].partitions).toHaveLength(1)
      expect(dir.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, offsetLag: 0, isFutureKey: false })
      expect(dir.topics[0].partitions[0].partitionSize).toBe(b.partitionLog('dr-a', 0)!.sizeInBytes())
      const all = await c.request(35, 1, { topics: null })
      const names = all.results[0].topics.map((t: any) => t.name)
      expect(names).toContain('dr-a')
    } finally {
      c.close()
    }
  })
})

describe('persistence', () => {
  it('keeps topic and broker configs across a restart on the same data dir', async () => {
    await stopCluster()
    await startCluster()
    const r = await raw.request(32, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'cfg-a', configurationKeys: ['cleanup.policy'] },
        { resourceType: BROKER, resourceName: '1', configurationKeys: ['log.retention.ms', 'message.max.bytes'] },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    expect(r.results[0].configs[0]).toMatchObject({ name: 'cleanup.policy', value: 'compact', configSource: 1 })
    const b = Object.fromEntries(r.results[1].configs.map((x: any) => [x.name, [x.value, x.configSource]]))
    expect(b).toEqual({ 'log.retention.ms': ['7200000', 2], 'message.max.bytes': ['2000000', 3] })
    expect(cluster.metadata.topics.get('cp-a')!.partitions).toHaveLength(6)
  })
})
