// The controller alone: its metadata log survives a restart and compacts into snapshots, a
// legacy cluster-metadata.json is migrated once, replicas are placed as Kafka places them, and
// fencing a broker elects new leaders from the ISR (unclean only when enabled).
import { afterEach, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QuorumController } from '../../../src-main/broker/controller/quorum-controller'
import { localMetadataView } from '../../../src-main/broker/controller/local-channel'
import { placeReplicas } from '../../../src-main/broker/controller/placement'
import { SNAPSHOT_EVERY } from '../../../src-main/broker/controller/metadata-log'
import type { PartitionAssignment } from '../../../src-main/broker/controller/metadata'

const dirs: string[] = []
const controllers: QuorumController[] = []
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'kafkadesk-controller-'))
  dirs.push(d)
  return d
}
function open(dir: string, configs: Record<string, string> = {}) {
  const c = new QuorumController({ dataDir: dir, configs })
  controllers.push(c)
  return { c, view: localMetadataView(c) }
}
function registerAll(view: ReturnType<typeof open>['view'], ids: number[]) {
  for (const id of ids) view.registerBroker({ nodeId: id, host: '127.0.0.1', port: 9000 + id, rack: null })
}
const part = (replicas: number[], isr = replicas): PartitionAssignment => ({
  partition: 0,
  leader: replicas[0]!,
  leaderEpoch: 0,
  partitionEpoch: 0,
  replicas,
  isr,
})

afterEach(() => {
  for (const c of controllers.splice(0)) c.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('metadata log', () => {
  it('keeps topics, configs and producer ids across a restart of the controller', () => {
    const dir = scratch()
    const a = open(dir)
    registerAll(a.view, [1, 2, 3])
    a.view.createTopic('orders', a.view.assign(3, 2), { 'retention.ms': '1000' })
    a.view.setBrokerConfigs({ 'log.retention.hours': '1' })
    const pid = a.view.allocateProducerId()
    const before = a.view.topics.get('orders')!
    a.c.close()
    const b = open(dir)
    expect(b.view.clusterId).toBe(a.view.clusterId)
    const after = b.view.topics.get('orders')!
    expect(after.topicId).toBe(before.topicId)
    expect(after.configs).toEqual({ 'retention.ms': '1000' })
    expect(after.partitions.map((p) => p.replicas)).toEqual(before.partitions.map((p) => p.replicas))
    expect(b.view.brokerConfigs).toEqual({ 'log.retention.hours': '1' })
    expect(b.view.allocateProducerId()).toBeGreaterThan(pid)
    // The brokers of the previous run are fenced until they register again.
    expect(b.view.liveBrokerIds()).toEqual([])
  })

  it('compacts the log into a snapshot and replays both', () => {
    const dir = scratch()
    const a = open(dir)
    registerAll(a.view, [1])
    a.view.createTopic('t', a.view.assign(1, 1), {})
    for (let i = 0; i <= SNAPSHOT_EVERY; i++) a.view.setTopicConfigs('t', { 'retention.ms': String(1000 + i) })
    const log = readFileSync(join(dir, '__cluster_metadata', 'log.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
    expect(log.length).toBeLessThan(SNAPSHOT_EVERY)
    expect(existsSync(join(dir, '__cluster_metadata', 'snapshot.json'))).toBe(true)
    a.c.close()
    const b = open(dir)
    expect(b.view.topics.get('t')!.configs).toEqual({ 'retention.ms': String(1000 + SNAPSHOT_EVERY) })
  })

  it('migrates a legacy cluster-metadata.json once', () => {
    const dir = scratch()
    const legacy = {
      clusterId: 'legacy-cluster-id-0000',
      topics: [
        {
          name: 'old',
          topicId: Buffer.alloc(16, 7).toString('base64'),
          internal: false,
          partitions: [{ partition: 0, leader: 1, leaderEpoch: 3, replicas: [1], isr: [1] }],
          configs: { 'cleanup.policy': 'compact' },
        },
      ],
      brokerConfigs: { 'num.partitions': '2' },
      producerIdBlockEnd: 5000,
    }
    writeFileSync(join(dir, 'cluster-metadata.json'), JSON.stringify(legacy))
    const a = open(dir)
    expect(a.view.clusterId).toBe('legacy-cluster-id-0000')
    expect(a.view.topics.get('old')).toMatchObject({
      configs: { 'cleanup.policy': 'compact' },
      partitions: [{ leaderEpoch: 3, partitionEpoch: 0, replicas: [1] }],
    })
    expect(a.view.brokerConfigs).toEqual({ 'num.partitions': '2' })
    expect(a.view.allocateProducerId()).toBe(5000)
    expect(existsSync(join(dir, 'cluster-metadata.json'))).toBe(false)
    a.c.close()
    expect(open(dir).view.topics.has('old')).toBe(true)
  })
})

describe('placement', () => {
  it('spreads leaders evenly and shifts followers, as Kafka does without racks', () => {
    const p = placeReplicas([1, 2, 3], 6, 3, 0, 0, 0)
    expect(p.map((x) => x.replicas)).toEqual([
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
      [1, 3, 2],
      [2, 1, 3],
      [3, 2, 1],
    ])
    const leaders = placeReplicas([1, 2, 3, 4], 40, 2).map((x) => x.replicas[0])
    for (const b of [1, 2, 3, 4]) expect(leaders.filter((l) => l === b)).toHaveLength(10)
  })
})

describe('elections', () => {
  it('moves leadership within the ISR when the leader is fenced, and back with a preferred election', () => {
    const { c, view } = open(scratch())
    registerAll(view, [1, 2, 3])
    view.createTopic('t', [part([1, 2, 3])], {})
    const seen: string[] = []
    view.onTopicChange((t) => seen.push(t))
    view.unregisterBroker(1)
    expect(view.topics.get('t')!.partitions[0]).toMatchObject({ leader: 2, leaderEpoch: 1, partitionEpoch: 1, isr: [2, 3] })
    expect(seen).toContain('t')
    expect(view.liveBrokerIds()).toEqual([2, 3])
    // Back, but not in sync: a preferred election must wait for the ISR.
    registerAll(view, [1])
    expect(view.electLeaders(0, [{ topic: 't', partition: 0 }])[0]!.error).toBe('PREFERRED_LEADER_NOT_AVAILABLE')
    const p = view.topics.get('t')!.partitions[0]!
    c.alterPartition({
      topic: 't',
      partition: 0,
      brokerId: 2,
      brokerEpoch: -1,
      leaderEpoch: p.leaderEpoch,
      partitionEpoch: p.partitionEpoch,
      newIsr: [2, 3, 1],
    })
    expect(view.electLeaders(0, null)).toEqual([{ topic: 't', partition: 0, error: null, message: null }])
    expect(view.topics.get('t')!.partitions[0]).toMatchObject({ leader: 1, leaderEpoch: 2, isr: [2, 3, 1] })
  })

  it('leaves a partition without a leader when its ISR is gone, unless unclean election is enabled', () => {
    const { view } = open(scratch())
    registerAll(view, [1, 2])
    view.createTopic('clean', [part([1, 2], [1])], {})
    view.createTopic('unclean', [part([1, 2], [1])], { 'unclean.leader.election.enable': 'true' })
    view.unregisterBroker(1)
    expect(view.topics.get('clean')!.partitions[0]).toMatchObject({ leader: -1, isr: [1] })
    expect(view.topics.get('unclean')!.partitions[0]).toMatchObject({ leader: 2, isr: [2] })
    // The last in-sync replica comes back: it leads again.
    registerAll(view, [1])
    expect(view.topics.get('clean')!.partitions[0]).toMatchObject({ leader: 1, leaderEpoch: 2 })
  })

  it('fences a broker whose heartbeats stop after broker.session.timeout.ms', async () => {
    const { c, view } = open(scratch(), { 'broker.session.timeout.ms': '300' })
    view.registerBroker({ nodeId: 1, host: '127.0.0.1', port: 9001, rack: null }, { session: true })
    view.registerBroker({ nodeId: 2, host: '127.0.0.1', port: 9002, rack: null }, { session: true })
    view.createTopic('t', [part([1, 2])], {})
    const epoch2 = view.registrations.get(2)!.epoch
    // Broker 1's session clock starts with its first heartbeat (before it, a broker applying
    // its registration has initial.broker.registration.timeout.ms); then its heartbeats stop.
    expect(c.heartbeat(1, view.registrations.get(1)!.epoch)).toBe(null)
    const t0 = Date.now()
    while (Date.now() - t0 < 700) {
      expect(c.heartbeat(2, epoch2)).toBe(null)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(view.liveBrokerIds()).toEqual([2])
    expect(view.topics.get('t')!.partitions[0]).toMatchObject({ leader: 2, isr: [2] })
    expect(c.heartbeat(1, view.registrations.get(1)!.epoch)).toBe('BROKER_ID_NOT_REGISTERED')
  })
})

describe('reassignments', () => {
  it('adds the target replicas, finishes once they are in sync, moves the leader off a removed replica', () => {
    const { c, view } = open(scratch())
    registerAll(view, [1, 2, 3])
    view.createTopic('t', [part([1], [1]), { ...part([1], [1]), partition: 1 }], {})
    view.reassign('t', 0, [1, 2, 3])
    expect(view.topics.get('t')!.partitions[0]).toMatchObject({ replicas: [1, 2, 3], isr: [1], addingReplicas: [2, 3] })
    const p0 = view.topics.get('t')!.partitions[0]!
    expect(
      c.alterPartition({
        topic: 't',
        partition: 0,
        brokerId: 1,
        brokerEpoch: -1,
        leaderEpoch: p0.leaderEpoch,
        partitionEpoch: p0.partitionEpoch,
        newIsr: [1, 2, 3],
      }).error,
    ).toBe(null)
    const done = view.topics.get('t')!.partitions[0]!
    expect(done).toMatchObject({ replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1 })
    expect(done.addingReplicas).toBeUndefined()
    // A move: broker 1 leaves, broker 2 takes over once in sync.
    view.reassign('t', 1, [2])
    expect(view.topics.get('t')!.partitions[1]).toMatchObject({ replicas: [2, 1], addingReplicas: [2], removingReplicas: [1] })
    const p1 = view.topics.get('t')!.partitions[1]!
    c.alterPartition({ topic: 't', partition: 1, brokerId: 1, brokerEpoch: -1, leaderEpoch: p1.leaderEpoch, partitionEpoch: p1.partitionEpoch, newIsr: [1, 2] })
    expect(view.topics.get('t')!.partitions[1]).toMatchObject({ replicas: [2], isr: [2], leader: 2, leaderEpoch: p1.leaderEpoch + 1 })
  })

  it('cancels a reassignment back to the original replicas', () => {
    const { view } = open(scratch())
    registerAll(view, [1, 2])
    view.createTopic('t', [part([1], [1])], {})
    view.reassign('t', 0, [2])
    view.reassign('t', 0, null)
    const p = view.topics.get('t')!.partitions[0]!
    expect(p).toMatchObject({ replicas: [1], isr: [1], leader: 1 })
    expect(p.addingReplicas).toBeUndefined()
    expect(() => view.reassign('t', 0, null)).toThrow(/No reassignment is in progress/)
  })
})
