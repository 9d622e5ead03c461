// Group coordinator on the wire: error codes for bad input and fencing (compared with real Kafka),
// committed offsets decoded from __consumer_offsets with an independent decoder written from
// Kafka's documented record format, and (embedded only) offsets surviving a broker restart.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbedded } from '../helpers/embedded.ts'
import { COORDINATOR_RETRIABLE, openWire, retry } from './groups-wire.ts'
import type { RawClient } from '../../src-main/console/raw-client'
import { kafkaTool, startTarget, targetKind, uniqueTopic, type Target } from './target.ts'

const E = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  OFFSET_METADATA_TOO_LARGE: 12,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  MEMBER_ID_REQUIRED: 79,
  FENCED_INSTANCE_ID: 82,
}

// ---- an independent decoder of __consumer_offsets records (Kafka's documented formats) ----
function varint(b: Buffer, p: { i: number }): number {
  let v = 0
  let shift = 0
  for (;;) {
    const x = b[p.i++]!
    v += (x & 0x7f) * 2 ** shift
    if ((x & 0x80) === 0) break
    shift += 7
  }
  return v % 2 === 0 ? v / 2 : -(v + 1) / 2
}
function str16(b: Buffer, p: { i: number }): string {
  const n = b.readInt16BE(p.i)
  p.i += 2
  const s = b.toString('utf8', p.i, p.i + n)
  p.i += n
  return s
}
function compactString(b: Buffer, p: { i: number }): string {
  let n = 0
  let shift = 0
  for (;;) {
    const x = b[p.i++]!
    n += (x & 0x7f) * 2 ** shift
    if ((x & 0x80) === 0) break
    shift += 7
  }
  const s = b.toString('utf8', p.i, p.i + n - 1)
  p.i += n - 1
  return s
}
interface Commit {
  valueVersion: number
  group: string
  topic: string
  partition: number
  offset: number
  metadata: string
  commitTimestamp: number
}
/** Record batches v2 (uncompressed) → offset commit records; other record types are skipped. */
function decodeOffsetsTopic(records: Buffer): Commit[] {
  const out: Commit[] = []
  let pos = 0
  while (pos + 61 <= records.length) {
    const batchLen = records.readInt32BE(pos + 8)
    const end = pos + 12 + batchLen
    if (end > records.length) break
    const attributes = records.readInt16BE(pos + 21)
    expect(records[pos + 16]).toBe(2) // magic
    expect(attributes & 7).toBe(0) // Kafka writes __consumer_offsets uncompressed by default
    const count = records.readInt32BE(pos + 57)
    const p = { i: pos + 61 }
    for (let r = 0; r < count && (attributes & 0x20) === 0; r++) {
      const len = varint(records, p)
      const recEnd = p.i + len
      p.i += 1 // attributes
      varint(records, p) // timestamp delta
      varint(records, p) // offset delta
      const kl = varint(records, p)
      const key = records.subarray(p.i, p.i + kl)
      p.i += kl
      const vl = varint(records, p)
      const value = vl < 0 ? null : records.subarray(p.i, p.i + vl)
      p.i = recEnd
      const kv = key.readInt16BE(0)
      if ((kv !== 0 && kv !== 1) || value === null) continue
      const kp = { i: 2 }
      const group = str16(key, kp)
      const topic = str16(key, kp)
      const partition = key.readInt32BE(kp.i)
      const vv = value.readInt16BE(0)
      const vp = { i: 2 }
      const offset = Number(value.readBigInt64BE(vp.i))
      vp.i += 8
      if (vv >= 3) vp.i += 4 // leader epoch
      // v4+ is a flexible version: compact strings (unsigned varint length + 1), tagged fields at the end.
      const metadata = vv >= 4 ? compactString(value, vp) : str16(value, vp)
      const commitTimestamp = Number(value.readBigInt64BE(vp.i))
      out.push({ valueVersion: vv, group, topic, partition, offset, metadata, commitTimestamp })
    }
    pos = end
  }
  return out
}
function javaHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

let target: Target
let wire: RawClient

async function coordinator(group: string): Promise<RawClient> {
  const r = await retry(
    () => wire.request(10, 3, { key: group, keyType: 0 }),
    (r) => r.errorCode === 0,
  )
  expect(r.errorCode).toBe(0)
  const c = await openWire(`${r.host}:${r.port}`)
  // Wait until the coordinator has loaded the group's partition.
  await retry(
    () => c.request(9, 7, { groupId: group, topics: [], requireStable: false }),
    (r) => !COORDINATOR_RETRIABLE.has(r.errorCode),
  )
  return c
}

beforeAll(async () => {
  target = await startTarget()
  wire = await openWire(target.bootstrap)
})
afterAll(async () => {
  wire?.close()
  await target?.stop()
})

const commitV8 = (groupId: string, generation: number, memberId: string, topics: object[]) => ({
  groupId,
  generationIdOrMemberEpoch: generation,
  memberId,
  groupInstanceId: null,
  topics,
})

describe('group coordinator on the wire', () => {
  const topic = uniqueTopic('groups-wire')

  beforeAll(async () => {
    await kafkaTool('kafka-topics', ['--bootstrap-server', target.bootstrap, '--create', '--topic', topic, '--partitions', '2', '--replication-factor', '1'])
  })

  it('simple commits: unknown topics, oversized metadata and good offsets each get their own code', async () => {
    const group = uniqueTopic('simple')
    const c = await coordinator(group)
    const r = await c.request(
      8,
      8,
      commitV8(group, -1, '', [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: 'ok' },
            { partitionIndex: 1, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: 'x'.repeat(4097) },
          ],
        },
        { name: `${topic}-missing`, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] },
      ]),
    )
    const codes = Object.fromEntries(r.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.errorCode)]))
    expect(codes).toEqual({ [topic]: [E.NONE, E.OFFSET_METADATA_TOO_LARGE], [`${topic}-missing`]: [E.UNKNOWN_TOPIC_OR_PARTITION] })
    // exactly 4096 is allowed
    const ok = await c.request(
      8,
      8,
      commitV8(group, -1, '', [
        { name: topic, partitions: [{ partitionIndex: 1, committedOffset: 9, committedLeaderEpoch: -1, committedMetadata: 'y'.repeat(4096) }] },
      ]),
    )
    expect(ok.topics[0].partitions[0].errorCode).toBe(E.NONE)
    // a commit with a generation for a member the group does not know
    const bad = await c.request(
      8,
      8,
      commitV8(group, 3, 'nobody', [
        { name: topic, partitions: [{ partitionIndex: 0, committedOffset: 99, committedLeaderEpoch: -1, committedMetadata: '' }] },
      ]),
    )
    expect(bad.topics[0].partitions[0].errorCode).toBe(E.UNKNOWN_MEMBER_ID)
    // multi-group OffsetFetch (v8): the good commits are there, nothing else changed
    const f = await c.request(9, 8, {
      groups: [
        { groupId: group, topics: null },
        { groupId: `${group}-none`, topics: [{ name: topic, partitionIndexes: [0] }] },
      ],
      requireStable: false,
    })
    const g0 = f.groups[0]
    const parts = g0.topics.find((t: any) => t.name === topic)!.partitions.sort((a: any, b: any) => a.partitionIndex - b.partitionIndex)
    expect(parts.map((p: any) => [p.partitionIndex, p.committedOffset, p.metadata.length])).toEqual([
      [0, 5, 2],
      [1, 9, 4096],
    ])
    expect(f.groups[1].topics[0].partitions[0].committedOffset).toBe(-1)
    // commits with a generation for a group that does not exist
    const none8 = await c.request(
      8,
      8,
      commitV8(`${group}-none`, 1, 'm', [
        { name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] },
      ]),
    )
    expect(none8.topics[0].partitions[0].errorCode).toBe(E.ILLEGAL_GENERATION)
    const none9 = await c.request(
      8,
      9,
      commitV8(`${group}-none`, 1, 'm', [
        { name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] },
      ]),
    )
    expect(none9.topics[0].partitions[0].errorCode).toBe(E.GROUP_ID_NOT_FOUND)
    c.close()
  })

  it('join/sync round trip, stale generations, fencing and group admin errors', async () => {
    const group = uniqueTopic('members')
    const c = await coordinator(group)
    const join = (memberId: string, instance: string | null = null) =>
      c.request(11, 7, {
        groupId: group,
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 20_000,
        memberId,
        groupInstanceId: instance,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }],
      })
    const first = await join('')
    expect(first.errorCode).toBe(E.MEMBER_ID_REQUIRED)
    expect(first.memberId).toMatch(/^groups-wire-/)
    const joined = await join(first.memberId)
    expect(joined.errorCode).toBe(E.NONE)
    expect(joined.generationId).toBe(1)
    expect(joined.leader).toBe(first.memberId)
    expect(joined.protocolName).toBe('range')
    const me = first.memberId
    const sync = await c.request(14, 5, {
      groupId: group,
      generationId: 1,
      memberId: me,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: me, assignment: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }],
    })
    expect(sync.errorCode).toBe(E.NONE)
    const hb = (gen: number, id = me) =>
      c.request(12, 4, { groupId: group, generationId: gen, memberId: id, groupInstanceId: null }).then((r: any) => r.errorCode)
    expect(await hb(1)).toBe(E.NONE)
    expect(await hb(0)).toBe(E.ILLEGAL_GENERATION)
    expect(await hb(1, 'stranger')).toBe(E.UNKNOWN_MEMBER_ID)
    const commit = (gen: number, id: string, offset: number) =>
      c
        .request(
          8,
          9,
          commitV8(group, gen, id, [
            { name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'm' }] },
          ]),
        )
        .then((r: any) => r.topics[0].partitions[0].errorCode)
    expect(await commit(1, me, 10)).toBe(E.NONE)
    expect(await commit(0, me, 11)).toBe(E.ILLEGAL_GENERATION)
    expect(await commit(-1, '', 12)).toBe(E.UNKNOWN_MEMBER_ID) // admin-style commit while the group is active
    const desc = await c.request(15, 5, { groups: [group], includeAuthorizedOperations: false })
    expect(desc.groups[0].groupState).toBe('Stable')
    expect(desc.groups[0].members[0].memberId).toBe(me)
    expect(desc.groups[0].members[0].clientId).toBe('groups-wire')
    expect(desc.groups[0].members[0].clientHost).toBe('/127.0.0.1')
    const del = await c.request(42, 2, { groupsNames: [group, `${group}-none`] })
    expect(Object.fromEntries(del.results.map((r: any) => [r.groupId, r.errorCode]))).toEqual({
      [group]: E.NON_EMPTY_GROUP,
      [`${group}-none`]: E.GROUP_ID_NOT_FOUND,
    })
    const listed = await c.request(16, 4, { statesFilter: ['stable'] })
    expect(listed.groups.map((g: any) => g.groupId)).toContain(group)
    const listedEmpty = await c.request(16, 4, { statesFilter: ['Empty'] })
    expect(listedEmpty.groups.map((g: any) => g.groupId)).not.toContain(group)
    // leaving: the group is empty again, the commit survives
    const leave = await c.request(13, 3, { groupId: group, members: [{ memberId: me, groupInstanceId: null }] })
    expect(leave.errorCode).toBe(E.NONE)
    expect(leave.members[0].errorCode).toBe(E.NONE)
    const after = await c.request(15, 5, { groups: [group], includeAuthorizedOperations: false })
    expect(after.groups[0].groupState).toBe('Empty')
    const f = await c.request(9, 7, { groupId: group, topics: [{ name: topic, partitionIndexes: [0] }], requireStable: false })
    expect(f.topics[0].partitions[0].committedOffset).toBe(10)
    // static membership: a second join with the same instance id fences the first member id
    const s1 = await join('', 'inst-1')
    expect(s1.errorCode).toBe(E.NONE)
    await c.request(14, 5, {
      groupId: group,
      generationId: s1.generationId,
      memberId: s1.memberId,
      groupInstanceId: 'inst-1',
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    })
    const s2 = await join('', 'inst-1')
    expect(s2.errorCode).toBe(E.NONE)
    expect(s2.memberId).not.toBe(s1.memberId)
    const fenced = await c.request(12, 4, { groupId: group, generationId: s2.generationId, memberId: s1.memberId, groupInstanceId: 'inst-1' })
    expect(fenced.errorCode).toBe(E.FENCED_INSTANCE_ID)
    const leave2 = await c.request(13, 4, { groupId: group, members: [{ memberId: s2.memberId, groupInstanceId: 'inst-1' }] })
    expect(leave2.members[0].errorCode).toBe(E.NONE)
    // deleting the now empty group, then it is gone
    const del2 = await c.request(42, 2, { groupsNames: [group] })
    expect(del2.results[0].errorCode).toBe(E.NONE)
    const gone = await c.request(9, 8, { groups: [{ groupId: group, topics: null }], requireStable: false })
    expect(gone.groups[0].topics).toEqual([])
    c.close()
  })

  it("__consumer_offsets holds the commits in Kafka's own record format", async () => {
    const group = uniqueTopic('decode')
    const c = await coordinator(group)
    const r = await c.request(
      8,
      8,
      commitV8(group, -1, '', [
        { name: topic, partitions: [{ partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'hello' }] },
      ]),
    )
    expect(r.topics[0].partitions[0].errorCode).toBe(E.NONE)
    const md = await wire.request(3, 1, { topics: [{ name: '__consumer_offsets' }] })
    const t = md.topics[0]
    expect(t.isInternal).toBe(true)
    const partition = Math.abs(javaHash(group)) % t.partitions.length
    const leader = t.partitions.find((p: any) => p.partitionIndex === partition)!.leaderId
    const b = md.brokers.find((x: any) => x.nodeId === leader)!
    const fc = await openWire(`${b.host}:${b.port}`)
    const fetched = await retry(
      () =>
        fc.request(1, 4, {
          replicaId: -1,
          maxWaitMs: 100,
          minBytes: 1,
          maxBytes: 1 << 20,
          isolationLevel: 0,
          topics: [{ topic: '__consumer_offsets', partitions: [{ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
        }),
      (f: any) => decodeOffsetsTopic(Buffer.concat([f.responses[0].partitions[0].records ?? Buffer.alloc(0)].flat())).some((x) => x.group === group),
    )
    const commits = decodeOffsetsTopic(Buffer.concat([fetched.responses[0].partitions[0].records ?? Buffer.alloc(0)].flat())).filter((x) => x.group === group)
    console.log(`__consumer_offsets: commit value version ${commits[0]?.valueVersion} (${target.kind})`)
    expect(commits).toHaveLength(1)
    expect(commits[0]).toMatchObject({ topic, partition: 1, offset: 42, metadata: 'hello' })
    expect(Math.abs(commits[0]!.commitTimestamp - Date.now())).toBeLessThan(60_000)
    fc.close()
    c.close()
  })
})

describe.skipIf(targetKind() !== 'embedded' || !!process.env.KAFKADESK_BOOTSTRAP)('embedded restart', () => {
  it('committed offsets and groups survive a restart on the same data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-groups-restart-'))
    try {
      let p = await startEmbedded(dir)
      let w = await openWire(p.bootstrap)
      await kafkaTool('kafka-topics', ['--bootstrap-server', p.bootstrap, '--create', '--topic', 'r', '--partitions', '3', '--replication-factor', '1'])
      await w.request(10, 3, { key: 'restart-group', keyType: 0 })
      const commit = (o: number) =>
        w.request(
          8,
          8,
          commitV8('restart-group', -1, '', [
            {
              name: 'r',
              partitions: [0, 1, 2].map((i) => ({ partitionIndex: i, committedOffset: o + i, committedLeaderEpoch: -1, committedMetadata: `m${i}` })),
            },
          ]),
        )
      await commit(100)
      await commit(200) // last write wins
      await w.request(
        8,
        8,
        commitV8('doomed-group', -1, '', [
          { name: 'r', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] },
        ]),
      )
      expect((await w.request(42, 2, { groupsNames: ['doomed-group'] })).results[0].errorCode).toBe(0)
      w.close()
      expect(await p.stop()).toBe(0)
      p = await startEmbedded(dir)
      w = await openWire(p.bootstrap)
      const f = await w.request(9, 8, {
        groups: [
          { groupId: 'restart-group', topics: null },
          { groupId: 'doomed-group', topics: null },
        ],
        requireStable: false,
      })
      const parts = f.groups[0].topics[0].partitions.map((x: any) => [x.partitionIndex, x.committedOffset, x.metadata])
      expect(parts).toEqual([
        [0, 200, 'm0'],
        [1, 201, 'm1'],
        [2, 202, 'm2'],
      ])
      expect(f.groups[1].topics).toEqual([])
      const listed = await w.request(16, 4, { statesFilter: [] })
      expect(listed.groups.map((g: any) => g.groupId)).toEqual(['restart-group'])
      w.close()
      await p.stop()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
