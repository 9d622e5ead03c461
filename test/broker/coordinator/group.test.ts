import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Group, type GroupEnv, type JoinRequest, type JoinResult } from '../../../src-main/broker/coordinator/group'
import { javaStringHashCode, partitionForGroup, clientHost } from '../../../src-main/broker/coordinator/group-coordinator'
import { ErrorCode } from '../../../src-main/broker/errors'

function env(over: Partial<GroupEnv> = {}): GroupEnv & { stored: number } {
  const e = {
    stored: 0,
    initialRebalanceDelayMs: 3000,
    minSessionTimeoutMs: 6000,
    maxSessionTimeoutMs: 1_800_000,
    storeGroup() {
      e.stored++
      return ErrorCode.NONE
    },
    ...over,
  }
  return e
}

function joinReq(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    requireKnownMemberId: true,
    supportsSkipAssignment: false,
    ...over,
  }
}

/** Joins with MEMBER_ID_REQUIRED first, as v4+ clients do; returns the pending second join. */
function joinNew(g: Group, over: Partial<JoinRequest> = {}): Promise<JoinResult> {
  const first = g.join(joinReq(over)) as JoinResult
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
  expect(first.memberId).toMatch(/^client-/)
  return Promise.resolve(g.join(joinReq({ ...over, memberId: first.memberId })))
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('group state machine', () => {
  it('waits group.initial.rebalance.delay.ms on the first rebalance, then completes with a leader', async () => {
    const e = env()
    const g = new Group('g', e)
    const a = joinNew(g)
    expect(g.state).toBe('PreparingRebalance')
    await vi.advanceTimersByTimeAsync(1000)
    const b = joinNew(g)
    // A new member during the delay extends it.
    await vi.advanceTimersByTimeAsync(2500)
    expect(g.state).toBe('PreparingRebalance')
    await vi.advanceTimersByTimeAsync(3000)
    const [ra, rb] = await Promise.all([a, b])
    expect(g.state).toBe('CompletingRebalance')
    expect(ra.generationId).toBe(1)
    expect(rb.generationId).toBe(1)
    expect(ra.leader).toBe(ra.memberId)
    expect(ra.members.map((m) => m.memberId).sort()).toEqual([ra.memberId, rb.memberId].sort())
    expect(rb.members).toEqual([])
    expect(ra.protocolName).toBe('range')

    const sb = Promise.resolve(
      g.sync({ memberId: rb.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }),
    )
    const sa = await g.sync({
      memberId: ra.memberId,
      groupInstanceId: null,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [
        { memberId: ra.memberId, assignment: Buffer.from('A') },
        { memberId: rb.memberId, assignment: Buffer.from('B') },
      ],
    })
    expect(sa.assignment.toString()).toBe('A')
    expect((await sb).assignment.toString()).toBe('B')
    expect(g.state).toBe('Stable')
    expect(e.stored).toBe(1)
  })

  it('rebalances when a member leaves, and fences stale generations', async () => {
    const g = new Group('g', env({ initialRebalanceDelayMs: 0 }))
    const a = joinNew(g)
    const b = joinNew(g)
    await vi.advanceTimersByTimeAsync(1)
    const [ra, rb] = await Promise.all([a, b])
    await Promise.all([
      g.sync({ memberId: ra.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }),
      g.sync({ memberId: rb.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }),
    ])
    expect(g.state).toBe('Stable')
    expect(g.leave([{ memberId: rb.memberId, groupInstanceId: null }])).toEqual([ErrorCode.NONE])
    expect(g.state).toBe('PreparingRebalance')
    expect(g.heartbeat(ra.memberId, null, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(g.heartbeat(rb.memberId, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(g.validateOffsetCommit(ra.memberId, null, 1)).toBe(ErrorCode.NONE)
    const again = await g.join(joinReq({ memberId: ra.memberId }))
    expect(again.generationId).toBe(2)
    expect(g.state).toBe('CompletingRebalance')
    expect(g.heartbeat(ra.memberId, null, 1)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(g.validateOffsetCommit(ra.memberId, null, 1)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(g.validateOffsetCommit(ra.memberId, null, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(g.heartbeat(ra.memberId, null, 2)).toBe(ErrorCode.NONE)
  })

  it('removes a member whose session times out and rebalances the rest', async () => {
    const g = new Group('g', env({ initialRebalanceDelayMs: 0 }))
    const a = joinNew(g)
    const b = joinNew(g, { sessionTimeoutMs: 6000 })
    await vi.advanceTimersByTimeAsync(1)
    const [ra, rb] = await Promise.all([a, b])
    for (const r of [ra, rb])
      await g.sync({ memberId: r.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] })
    // a keeps heartbeating, b goes silent
    for (let t = 0; t < 4; t++) {
      await vi.advanceTimersByTimeAsync(2000)
      g.heartbeat(ra.memberId, null, 1)
    }
    expect(g.members.has(rb.memberId)).toBe(false)
    expect(g.state).toBe('PreparingRebalance')
    const r = await g.join(joinReq({ memberId: ra.memberId }))
    expect(r.generationId).toBe(2)
    expect(r.members.map((m) => m.memberId)).toEqual([ra.memberId])
  })

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const g = new Group('g', env({ initialRebalanceDelayMs: 0 }))
    const a = joinNew(g, { rebalanceTimeoutMs: 10_000 })
    const b = joinNew(g, { rebalanceTimeoutMs: 10_000 })
    await vi.advanceTimersByTimeAsync(1)
    const [ra, rb] = await Promise.all([a, b])
    for (const r of [ra, rb])
      await g.sync({ memberId: r.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] })
    // a new member arrives: rebalance; only the new one and a rejoin
    const c = joinNew(g, { rebalanceTimeoutMs: 10_000 })
    const a2 = Promise.resolve(g.join(joinReq({ memberId: ra.memberId, rebalanceTimeoutMs: 10_000 })))
    g.heartbeat(rb.memberId, null, 1)
    await vi.advanceTimersByTimeAsync(10_001)
    const [rc, ra2] = await Promise.all([c, a2])
    expect(rc.generationId).toBe(2)
    expect(ra2.generationId).toBe(2)
    expect(g.members.has(rb.memberId)).toBe(false)
    expect(g.members.size).toBe(2)
  })

  it('goes back to Empty with a new generation when the last member leaves', async () => {
    const e = env({ initialRebalanceDelayMs: 0 })
    const g = new Group('g', e)
    const a = joinNew(g)
    await vi.advanceTimersByTimeAsync(1)
    const ra = await a
    await g.sync({ memberId: ra.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] })
    g.leave([{ memberId: ra.memberId, groupInstanceId: null }])
    expect(g.state).toBe('Empty')
    expect(g.generationId).toBe(2)
    expect(e.stored).toBe(2)
    // simple (admin) commits are allowed only when the group is empty
    expect(g.validateOffsetCommit('', null, -1)).toBe(ErrorCode.NONE)
  })

  it('refuses mismatched protocols and bad session timeouts', async () => {
    const g = new Group('g', env({ initialRebalanceDelayMs: 0 }))
    joinNew(g)
    const r = (await g.join(joinReq({ protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] }))) as JoinResult
    expect(r.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const r2 = (await g.join(joinReq({ protocolType: 'connect' }))) as JoinResult
    expect(r2.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const r3 = (await g.join(joinReq({ sessionTimeoutMs: 1000 }))) as JoinResult
    expect(r3.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT)
    const r4 = (await g.join(joinReq({ memberId: 'nobody' }))) as JoinResult
    expect(r4.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it('static members: rejoin with a new id keeps the assignment, the old id is fenced', async () => {
    const g = new Group('g', env({ initialRebalanceDelayMs: 0 }))
    const a = Promise.resolve(g.join(joinReq({ groupInstanceId: 'i1' })))
    await vi.advanceTimersByTimeAsync(1)
    const ra = await a
    expect(ra.errorCode).toBe(ErrorCode.NONE)
    expect(ra.memberId).toMatch(/^i1-/)
    await g.sync({
      memberId: ra.memberId,
      groupInstanceId: 'i1',
      generationId: 1,
      protocolType: null,
      protocolName: null,
      assignments: [{ memberId: ra.memberId, assignment: Buffer.from('X') }],
    })
    const again = (await g.join(joinReq({ groupInstanceId: 'i1', supportsSkipAssignment: true }))) as JoinResult
    expect(again.errorCode).toBe(ErrorCode.NONE)
    expect(again.generationId).toBe(1)
    expect(again.skipAssignment).toBe(true)
    expect(g.state).toBe('Stable')
    expect(g.heartbeat(ra.memberId, 'i1', 1)).toBe(ErrorCode.FENCED_INSTANCE_ID)
    const s = await g.sync({ memberId: again.memberId, groupInstanceId: 'i1', generationId: 1, protocolType: null, protocolName: null, assignments: [] })
    expect(s.assignment.toString()).toBe('X')
    expect(g.leave([{ memberId: 'other', groupInstanceId: 'i1' }])).toEqual([ErrorCode.FENCED_INSTANCE_ID])
    expect(g.leave([{ memberId: '', groupInstanceId: 'i1' }])).toEqual([ErrorCode.NONE])
    expect(g.state).toBe('Empty')
  })

  it('a rebalance during CompletingRebalance fails waiting syncs with REBALANCE_IN_PROGRESS', async () => {
    const g = new Group('g', env({ initialRebalanceDelayMs: 0 }))
    const a = joinNew(g)
    const b = joinNew(g)
    await vi.advanceTimersByTimeAsync(1)
    const [ra, rb] = await Promise.all([a, b])
    const follower = ra.leader === ra.memberId ? rb : ra
    const waiting = Promise.resolve(
      g.sync({ memberId: follower.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [] }),
    )
    joinNew(g)
    expect((await waiting).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    expect(g.state).toBe('PreparingRebalance')
  })

  it('rejects illegal transitions', () => {
    const g = new Group('g', env())
    expect(() => g.transitionTo('Stable')).toThrow(/illegal transition/)
    expect(() => g.transitionTo('CompletingRebalance')).toThrow(/illegal transition/)
  })
})

describe('coordinator partition', () => {
  it("follows Kafka's abs(groupId.hashCode) % partitions", () => {
    expect(javaStringHashCode('')).toBe(0)
    expect(javaStringHashCode('hello')).toBe(99162322)
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648)
    expect(partitionForGroup('polygenelubricants', 50)).toBe(0)
    expect(partitionForGroup('my-group', 50)).toBe(Math.abs(javaStringHashCode('my-group')) % 50)
  })
  it('reports client hosts as Kafka does', () => {
    expect(clientHost('::ffff:127.0.0.1:5000')).toBe('/127.0.0.1')
    expect(clientHost('127.0.0.1:5000')).toBe('/127.0.0.1')
  })
})
