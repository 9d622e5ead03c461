// The IPC contract: every channel's request schema rejects a bad payload with a VALIDATION error
// naming the offending field, accepts a valid one, and dispatch() never throws.
import { describe, expect, it } from 'vitest'
import {
  channelNames,
  channels,
  ContractError,
  dispatch,
  eventNames,
  events,
  toErrorShape,
  validateRequest,
  type ChannelName,
  type Handlers,
} from '../../src-main/ipc/contract'

const C = { connectionId: 'c1' }
const T = { ...C, topic: 'orders' }

/** Per channel: a valid payload, a bad one and the field the error must name. */
const cases: Record<ChannelName, { ok: unknown; bad: unknown; field: string }> = {
  'connections.list': { ok: {}, bad: { extra: 1 }, field: 'extra' },
  'connections.save': {
    ok: { name: 'prod', bootstrapServers: ['kafka:9092'] },
    bad: { name: 'prod', bootstrapServers: ['kafka'] },
    field: 'bootstrapServers.0',
  },
  'connections.delete': { ok: { id: 'x' }, bad: { id: '' }, field: 'id' },
  'connections.test': { ok: { id: 'x' }, bad: {}, field: 'id' },
  'connections.open': { ok: C, bad: { connectionId: 5 }, field: 'connectionId' },
  'connections.close': { ok: C, bad: {}, field: 'connectionId' },
  'secrets.status': { ok: {}, bad: { x: 1 }, field: 'x' },
  'embedded.status': { ok: {}, bad: { x: 1 }, field: 'x' },
  'embedded.start': { ok: { brokers: 3 }, bad: { brokers: 0 }, field: 'brokers' },
  'embedded.stop': { ok: {}, bad: { now: true }, field: 'now' },
  'embedded.broker.start': { ok: { nodeId: 1 }, bad: { nodeId: 'one' }, field: 'nodeId' },
  'embedded.broker.stop': { ok: { nodeId: 1 }, bad: { nodeId: -1 }, field: 'nodeId' },
  'embedded.broker.kill': { ok: { nodeId: 1 }, bad: { nodeId: 1.5 }, field: 'nodeId' },
  'embedded.broker.faults': { ok: { nodeId: 1, latencyMs: 50 }, bad: { nodeId: 1, dropRate: 2 }, field: 'dropRate' },
  'embedded.activity': { ok: {}, bad: { nodeId: -3 }, field: 'nodeId' },
  'embedded.cleaner': { ok: { topic: 'orders' }, bad: { topic: 'a b' }, field: 'topic' },
  'cluster.overview': { ok: C, bad: { connectionId: '' }, field: 'connectionId' },
  'topics.list': { ok: C, bad: { ...C, includeInternal: 'yes' }, field: 'includeInternal' },
  'topics.describe': { ok: T, bad: { ...C, topic: 'bad topic' }, field: 'topic' },
  'topics.create': { ok: { ...T, partitions: 3, replicationFactor: 1 }, bad: { ...T, partitions: 0, replicationFactor: 1 }, field: 'partitions' },
  'topics.delete': { ok: { ...C, topics: ['a'] }, bad: { ...C, topics: [] }, field: 'topics' },
  'topics.addPartitions': { ok: { ...T, totalCount: 6 }, bad: { ...T, totalCount: '6' }, field: 'totalCount' },
  'topics.purge': { ok: T, bad: { ...T, partitions: [-1] }, field: 'partitions.0' },
  'brokers.logDirs': { ok: C, bad: { ...C, x: 1 }, field: 'x' },
  'operations.cancel': { ok: { opId: 'o1' }, bad: { opId: '' }, field: 'opId' },
  'protobuf.list': { ok: {}, bad: { x: 1 }, field: 'x' },
  'protobuf.add': { ok: { name: 'a.proto', content: 'syntax = "proto3";' }, bad: { name: 'a.proto', content: '' }, field: 'content' },
  'protobuf.delete': { ok: { name: 'a.proto' }, bad: { name: '' }, field: 'name' },
  'messages.offsetRange': { ok: { ...T, partition: 0 }, bad: { ...T, timestamp: 'now' }, field: 'timestamp' },
  'messages.read': {
    ok: { ...T, position: { type: 'latest' } },
    bad: { ...T, position: { type: 'offset', partition: 0, offset: -1 } },
    field: 'position.offset',
  },
  'messages.search': {
    ok: { ...T, start: { type: 'earliest' }, filter: {} },
    bad: { ...T, start: { type: 'earliest' }, filter: { regex: 'yes' } },
    field: 'filter.regex',
  },
  'messages.searchCancel': { ok: { searchId: 's' }, bad: {}, field: 'searchId' },
  'messages.tailStart': { ok: T, bad: { ...T, from: 'middle' }, field: 'from' },
  'messages.tailStop': { ok: { tailId: 't' }, bad: { tailId: 7 }, field: 'tailId' },
  'messages.export': {
    ok: { format: 'csv', source: { type: 'messages', messages: [] } },
    bad: { format: 'xml', source: { type: 'messages', messages: [] } },
    field: 'format',
  },
  'produce.send': {
    ok: { ...T, messages: [{ value: { format: 'string', data: 'x' } }] },
    bad: { ...T, messages: [{ value: { format: 'yaml', data: 'x' } }] },
    field: 'messages.0.value.format',
  },
  'produce.batch': { ok: { ...T, count: 10, template: { value: null } }, bad: { ...T, count: 0, template: { value: null } }, field: 'count' },
  'produce.republish': {
    ok: { source: { ...T, items: [{ partition: 0, offset: 1 }] }, target: T },
    bad: { source: { ...T, items: [{ partition: 0, offset: 1 }] }, target: { ...T, topic: '' } },
    field: 'target.topic',
  },
  'groups.list': { ok: C, bad: { ...C, withLag: 1 }, field: 'withLag' },
  'groups.describe': { ok: { ...C, groupId: 'g' }, bad: { ...C, groupId: '' }, field: 'groupId' },
  'groups.lagHistory': { ok: { ...C, groupId: 'g' }, bad: { ...C, groupId: 'g', from: 'yesterday' }, field: 'from' },
  'groups.delete': { ok: { ...C, groupIds: ['g'] }, bad: { ...C, groupIds: 'g' }, field: 'groupIds' },
  'groups.deleteOffsets': { ok: { ...T, groupId: 'g' }, bad: { ...T, groupId: 'g', partitions: [-1] }, field: 'partitions.0' },
  'offsets.resetPreview': {
    ok: { ...C, groupId: 'g', allTopics: true, reset: { mode: 'earliest' } },
    bad: { ...C, groupId: 'g', reset: { mode: 'duration', duration: '10 minutes' } },
    field: 'reset.duration',
  },
  'offsets.resetExecute': {
    ok: { ...C, groupId: 'g', allTopics: true, reset: { mode: 'shift-by', shift: -5 } },
    bad: { ...C, groupId: 'g', reset: { mode: 'datetime', datetime: 'not a date' } },
    field: 'reset.datetime',
  },
  'configs.describe': { ok: { ...C, resource: { type: 'topic', name: 'x' } }, bad: { ...C, resource: { type: 'group', name: 'x' } }, field: 'resource.type' },
  'configs.alterPreview': {
    ok: { ...C, resource: { type: 'broker', name: '1' }, changes: [{ name: 'a', op: 'delete' }] },
    bad: { ...C, resource: { type: 'broker', name: '1' }, changes: [{ name: 'a', op: 'append' }] },
    field: 'changes.0.op',
  },
  'configs.alter': {
    ok: { ...C, resource: { type: 'topic', name: 'x' }, changes: [{ name: 'a', op: 'set', value: '1' }] },
    bad: { ...C, resource: { type: 'topic', name: 'x' }, changes: [] },
    field: 'changes',
  },
  'keys.distribution': { ok: T, bad: { ...T, topN: 0 }, field: 'topN' },
  'throughput.series': { ok: T, bad: { ...T, byPartition: 'no' }, field: 'byPartition' },
  'transactions.list': { ok: C, bad: { ...C, all: 'yes' }, field: 'all' },
  'transactions.abort': {
    ok: { ...C, producerId: 7, producerEpoch: 0, partitions: [{ topic: 'orders', partition: 0 }] },
    bad: { ...C, producerId: 7, producerEpoch: 0, partitions: [] },
    field: 'partitions',
  },
  'security.users.list': { ok: C, bad: { ...C, extra: 1 }, field: 'extra' },
  'security.users.upsert': {
    ok: { ...C, user: 'alice', mechanism: 'SCRAM-SHA-256', password: 'pw' },
    bad: { ...C, user: 'alice', mechanism: 'SCRAM-SHA-256', password: 'pw', iterations: 100 },
    field: 'iterations',
  },
  'security.users.delete': { ok: { ...C, user: 'alice', mechanisms: ['SCRAM-SHA-512'] }, bad: { ...C, user: 'alice', mechanisms: [] }, field: 'mechanisms' },
  'security.acls.list': { ok: C, bad: { ...C, extra: 1 }, field: 'extra' },
  'security.acls.create': {
    ok: { ...C, resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', operation: 'READ', permission: 'ALLOW' },
    bad: { ...C, resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'alice', operation: 'READ', permission: 'ALLOW' },
    field: 'principal',
  },
  'security.acls.delete': {
    ok: {
      ...C,
      resourceType: 'TOPIC',
      resourceName: 'orders',
      patternType: 'LITERAL',
      principal: 'User:alice',
      operation: 'READ',
      permission: 'ALLOW',
      host: '*',
    },
    bad: { ...C, resourceType: 'TOPIC', resourceName: 'orders', patternType: 'MATCH', principal: 'User:alice', operation: 'READ', permission: 'ALLOW' },
    field: 'patternType',
  },
  'security.access': {
    ok: { ...C, resourceType: 'TOPIC', resourceName: 'orders' },
    bad: { ...C, resourceType: 'USER', resourceName: 'x' },
    field: 'resourceType',
  },
  'security.quotas.list': { ok: C, bad: { ...C, extra: 1 }, field: 'extra' },
  'security.quotas.alter': {
    ok: { ...C, entity: [{ type: 'user', name: 'alice' }], set: [{ key: 'producer_byte_rate', value: 1024 }] },
    bad: { ...C, entity: [{ type: 'user', name: 'alice' }], set: [{ key: 'producer_byte_rate', value: -1 }] },
    field: 'set.0.value',
  },
}

describe('contract', () => {
  it('has a case for every channel', () => {
    expect(Object.keys(cases).sort()).toEqual([...channelNames].sort())
  })

  for (const name of Object.keys(cases) as ChannelName[]) {
    it(`${name}: accepts a valid request and names the field of a bad one`, () => {
      const ok = validateRequest(name, cases[name].ok)
      expect(ok.ok, JSON.stringify(ok)).toBe(true)
      const bad = validateRequest(name, cases[name].bad)
      expect(bad.ok).toBe(false)
      if (!bad.ok) {
        expect(bad.error.code).toBe('VALIDATION')
        expect(bad.error.field).toBe(cases[name].field)
        expect(bad.error.message).toContain(cases[name].field)
      }
    })
  }

  it('applies defaults', () => {
    const r = validateRequest('messages.read', { ...T, position: { type: 'latest' } })
    expect(r.ok && r.value).toMatchObject({ limit: 100, keyDecoding: 'auto', valueDecoding: 'auto' })
  })

  it('dispatch validates, maps thrown errors to the shared shape, and never throws', async () => {
    const calls: unknown[] = []
    const handlers = new Proxy({} as Handlers, {
      get: (_t, name: string) => async (req: unknown) => {
        calls.push(req)
        if (name === 'topics.describe') throw new ContractError('NOT_FOUND', 'no such topic', 'topic')
        if (name === 'groups.describe')
          throw Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' })
        if (name === 'cluster.overview') throw Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError' })
        if (name === 'topics.list') throw new TypeError('boom')
        return { ok: name }
      },
    })
    const ctx = { sink: { emit() {} }, clientId: 'x' }
    expect(await dispatch(handlers, 'nope.nothing', {}, ctx)).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION', field: 'channel' }) })
    expect(await dispatch(handlers, 'topics.describe', { ...C }, ctx)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VALIDATION', field: 'topic' }),
    })
    expect(calls).toHaveLength(0)
    expect(await dispatch(handlers, 'topics.describe', T, ctx)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no such topic', field: 'topic' } })
    expect(await dispatch(handlers, 'groups.describe', { ...C, groupId: 'g' }, ctx)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'KAFKA_UNKNOWN_TOPIC_OR_PARTITION' }),
    })
    expect(await dispatch(handlers, 'cluster.overview', C, ctx)).toEqual({ ok: false, error: expect.objectContaining({ code: 'CONNECTION' }) })
    expect(await dispatch(handlers, 'topics.list', C, ctx)).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } })
    expect(await dispatch(handlers, 'embedded.status', undefined, ctx)).toEqual({ ok: true, value: { ok: 'embedded.status' } })
    expect(toErrorShape('plain string')).toEqual({ code: 'INTERNAL', message: 'plain string' })
  })

  it('declares response schemas and event schemas', () => {
    for (const name of channelNames) expect(typeof channels[name].response.safeParse).toBe('function')
    expect(eventNames.sort()).toEqual([
      'cluster.event',
      'lag.sample',
      'operation.progress',
      'search.progress',
      'tail.messages',
      'tail.status',
      'throughput.sample',
    ])
    expect(events['cluster.event'].safeParse({ type: 'broker', at: 1, nodeId: 2, state: 'killed' }).success).toBe(true)
  })
})
