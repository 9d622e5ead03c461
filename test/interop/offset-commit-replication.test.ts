// Offset commits are written like acks=all produce: on a 3-broker cluster with
// min.insync.replicas=3, a commit to a coordinator whose __consumer_offsets partition has lost
// a follower is refused (COORDINATOR_NOT_AVAILABLE, nothing written), and once the followers
// are back the next commit is answered and read back. Runs unchanged against real Kafka
// (KAFKADESK_TARGET=kafka) and the embedded cluster.
import { Kafka, logLevel, type Admin } from 'kafkajs'
import type { RawClient } from '../../src-main/console/raw-client'
import { openWire } from './groups-wire'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { partitionForGroup } from '../../src-main/broker/coordinator/group-coordinator'
import { QUICK_FAILURE_DETECTION, eventually, kcat, startCluster, uniqueTopic, type ClusterTarget } from './target'

const CONFIGS = {
  ...QUICK_FAILURE_DETECTION,
  // One follower down is then below the minimum (killing two would also stop the quorum of a
  // 3-node Kafka, whose nodes are controllers too).
  'min.insync.replicas': '3',
}
const SLOW = 120_000

let cluster: ClusterTarget
let admin: Admin

beforeAll(async () => {
  cluster = await startCluster({ brokers: 3, configs: CONFIGS })
  const kafka = new Kafka({ brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 300 } })
  admin = kafka.admin()
  await admin.connect()
}, 300_000)

afterAll(async () => {
  await admin?.disconnect()
  await cluster?.stop()
}, 60_000)

/** Leader and ISR of one __consumer_offsets partition, asked with kcat -L. */
async function offsetsPartition(partition: number): Promise<{ leader: number; isr: number[] }> {
  const live = [...cluster.brokers.values()].map((b) => b.address).join(',')
  const r = await kcat(['-L', '-J', '-b', live, '-t', '__consumer_offsets', '-m', '15'], { timeoutMs: 30_000 })
  const t = (JSON.parse(r.stdout) as { topics: { partitions: { partition: number; leader: number; isrs: { id: number }[] }[] }[] }).topics[0]
  const p = t?.partitions.find((x) => x.partition === partition)
  if (!p) throw new Error(`__consumer_offsets-${partition} not in Metadata`)
  return { leader: p.leader, isr: p.isrs.map((x) => x.id).sort() }
}

const COORDINATOR_NOT_AVAILABLE = 15

/** OffsetCommit v8 of one partition's offset by an admin (no generation); the partition's error code. */
async function commit(c: RawClient, groupId: string, topic: string, offset: number): Promise<number> {
  const r = await c.request(8, 8, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' }] }],
  })
  return r.topics[0].partitions[0].errorCode as number
}

/** OffsetFetch v8: the group's committed offset of partition 0. */
async function committed(c: RawClient, groupId: string, topic: string): Promise<number> {
  const r = await c.request(9, 8, { groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0] }] }], requireStable: false })
  return r.groups[0].topics[0].partitions[0].committedOffset as number
}

describe('offset commits are replicated before they are answered', () => {
  it('refuses a commit below min.insync.replicas without writing it, and commits again once the ISR is back', async () => {
    const topic = uniqueTopic('commit-isr')
    const groupId = `${topic}-group`
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true })
    // The admin client's commit creates __consumer_offsets (replication factor 3) and the group.
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '5' }] })

    // The coordinator is the leader of the group's __consumer_offsets partition (50 partitions by default).
    const p = partitionForGroup(groupId, 50)
    const before = await eventually(async () => {
      const s = await offsetsPartition(p)
      if (s.isr.length !== 3) throw new Error(`ISR ${s.isr}`)
      return s
    }, SLOW)
    const wire = await openWire(cluster.brokers.get(before.leader)!.address)
    try {
      expect(await eventually(() => committed(wire, groupId, topic), 30_000)).toBe(5)
      const follower = [...cluster.brokers.keys()].find((id) => id !== before.leader)!
      await cluster.kill(follower)
      await eventually(async () => {
        const s = await offsetsPartition(p)
        if (s.leader !== before.leader || s.isr.length !== 2 || s.isr.includes(follower)) throw new Error(`leader ${s.leader} ISR ${s.isr}`)
      }, SLOW)

      // Two in the ISR with min.insync.replicas=3: refused, and nothing of it written.
      expect(await commit(wire, groupId, topic, 7)).toBe(COORDINATOR_NOT_AVAILABLE)
      expect(await committed(wire, groupId, topic)).toBe(5)

      await cluster.start(follower)
      await eventually(async () => {
        const s = await offsetsPartition(p)
        if (s.isr.length !== 3) throw new Error(`ISR ${s.isr}`)
      }, SLOW)
      expect(
        await eventually(async () => {
          const code = await commit(wire, groupId, topic, 9)
          if (code !== 0) throw new Error(`OffsetCommit error ${code}`)
          return code
        }, 30_000),
      ).toBe(0)
      expect(await committed(wire, groupId, topic)).toBe(9)
    } finally {
      wire.close()
    }
  }, 300_000)
})
