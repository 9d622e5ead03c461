// One consumer group under the classic group protocol, with Kafka's states and transitions:
//
//   Empty ──join──► PreparingRebalance ──all joined / rebalance timeout──► CompletingRebalance
//     ▲                 ▲   │ (no members left)                                  │ leader's SyncGroup
//     └─────────────────┼───┘                                                    ▼
//                       └──────────── join / leave / session timeout ───────── Stable
//   any state ──DeleteGroups / all offsets expired──► Dead
//
// JoinGroup and SyncGroup answers are promises resolved when the rebalance step completes, as
// Kafka parks them in its purgatory. Timers: per-member session timeouts, the rebalance timeout
// (or group.initial.rebalance.delay.ms for the first rebalance of an empty group) and the
// pending-sync timeout (members that never send SyncGroup after a join are removed).
import { randomUUID } from 'node:crypto'
import { ErrorCode } from '../errors'

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
}

export interface Protocol {
  name: string
  metadata: Buffer
}

export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  skipAssignment: boolean
  memberId: string
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[]
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

/** What a member says of itself when it joins, kept for as long as it is a member. */
interface MemberIdentity {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: Protocol[]
}

export interface JoinRequest extends MemberIdentity {
  /** JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED with its id. */
  requireKnownMemberId: boolean
  /** JoinGroup v9+: a static leader rejoining a stable group is told to skip the assignment. */
  supportsSkipAssignment: boolean
}

export interface SyncRequest {
  memberId: string
  groupInstanceId: string | null
  generationId: number
  protocolType: string | null
  protocolName: string | null
  assignments: { memberId: string; assignment: Buffer }[]
}

export interface Member extends MemberIdentity {
  assignment: Buffer
  isNew: boolean
  joinWaiter?: (r: JoinResult) => void
  syncWaiter?: (r: SyncResult) => void
  timer?: NodeJS.Timeout
}

export type RestoredMember = Pick<
  Member,
  'memberId' | 'groupInstanceId' | 'clientId' | 'clientHost' | 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'assignment'
> & { subscription: Buffer }

export interface CommittedOffset {
  offset: number
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  /** Only set by OffsetCommit v2-v4 with an explicit retention time (value version 1). */
  expireTimestamp: number | null
}

/** What a group needs from its coordinator. */
export interface GroupEnv {
  initialRebalanceDelayMs: number
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  /**
   * Persists the group's metadata record (members and, when given, the new assignments).
   * Returns an error code (NONE on success).
   */
  storeGroup(group: Group, assignments?: Map<string, Buffer>): number
  now?(): number
  log?(line: string): void
}

const EMPTY = Buffer.alloc(0)

function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] }
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY }
}

export class Group {
  state: GroupState = 'Empty'
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  currentStateTimestamp: number
  readonly members = new Map<string, Member>()
  /** group.instance.id → member id of static members. */
  readonly staticMembers = new Map<string, string>()
  /** Member ids handed out with MEMBER_ID_REQUIRED, awaiting the member's second JoinGroup. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>()
  /** Members that have not sent SyncGroup since the last join completed. */
  readonly pendingSync = new Set<string>()
  /** Committed offsets: topic → partition → offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>()
  private joinTimer?: NodeJS.Timeout
  private syncTimer?: NodeJS.Timeout
  private initialDelayActive = false
  private newMemberAdded = false

  constructor(
    readonly groupId: string,
    private readonly env: GroupEnv,
  ) {
    this.currentStateTimestamp = this.now()
  }

  private now(): number {
    return this.env.now ? this.env.now() : Date.now()
  }

  // ---- state ----

  transitionTo(state: GroupState): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) throw new Error(`group ${this.groupId}: illegal transition ${this.state} → ${state}`)
    this.state = state
    this.currentStateTimestamp = this.now()
  }

  is(state: GroupState): boolean {
    return this.state === state
  }

  /** Max rebalance timeout of the members (Kafka's group rebalance timeout). */
  rebalanceTimeoutMs(): number {
    let t = 0
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs)
    return t
  }

  /** Topics the members subscribed to, when the group uses the consumer protocol (null if unknown). */
  subscribedTopics(decode: (metadata: Buffer) => string[] | null): Set<string> | null {
    if (this.protocolType !== 'consumer' || this.protocolName === null || this.members.size === 0) return null
    const out = new Set<string>()
    for (const m of this.members.values()) {
      const p = m.protocols.find((x) => x.name === this.protocolName)
      const topics = p ? decode(p.metadata) : null
      if (!topics) return null
      for (const t of topics) out.add(t)
    }
    return out
  }

  private supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0
    if (protocolType !== this.protocolType) return false
    return protocols.some((p) => [...this.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)))
  }

  private selectProtocol(): string {
    const all = [...this.members.values()]
    const candidates = all[0]!.protocols.map((p) => p.name).filter((n) => all.every((m) => m.protocols.some((q) => q.name === n)))
    const votes = new Map<string, number>()
    for (const m of all) {
      const vote = m.protocols.find((p) => candidates.includes(p.name))!.name
      votes.set(vote, (votes.get(vote) ?? 0) + 1)
    }
    let best = candidates[0]!
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c
    return best
  }

  /** Kafka's validateMember: static members are checked by instance id, others by member id. */
  private validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId)
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
  }

  // ---- JoinGroup ----

  join(req: JoinRequest): Promise<JoinResult> | JoinResult {
    if (req.sessionTimeoutMs < this.env.minSessionTimeoutMs || req.sessionTimeoutMs > this.env.maxSessionTimeoutMs)
      return joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT)
    if (this.state === 'Dead') return joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    if (!this.supportsProtocols(req.protocolType, req.protocols)) return joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    return req.memberId === '' ? this.joinUnknownMember(req) : this.joinKnownMember(req)
  }

  private joinUnknownMember(req: JoinRequest): Promise<JoinResult> | JoinResult {
    const memberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`
    if (req.groupInstanceId !== null) {
      const existing = this.staticMembers.get(req.groupInstanceId)
      if (existing !== undefined) return this.replaceStaticMember(existing, memberId, req)
      return this.addMemberAndRebalance(memberId, req)
    }
    if (req.requireKnownMemberId) {
      this.addPendingMember(memberId, req.sessionTimeoutMs)
      return joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED)
    }
    return this.addMemberAndRebalance(memberId, req)
  }

  private joinKnownMember(req: JoinRequest): Promise<JoinResult> | JoinResult {
    if (this.pendingMembers.has(req.memberId)) return this.addMemberAndRebalance(req.memberId, req)
    const err = this.validateMember(req.memberId, req.groupInstanceId)
    if (err !== ErrorCode.NONE) return joinError(req.memberId, err)
    const m = this.members.get(req.memberId)!
    switch (this.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(m, req)
      case 'CompletingRebalance':
        if (sameProtocols(m.protocols, req.protocols)) return this.joinResultFor(m)
        return this.updateMemberAndRebalance(m, req)
      case 'Stable':
        if (m.memberId === this.leaderId || !sameProtocols(m.protocols, req.protocols)) return this.updateMemberAndRebalance(m, req)
        this.scheduleHeartbeat(m)
        return this.joinResultFor(m)
      default:
        return joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  private addPendingMember(memberId: string, sessionTimeoutMs: number): void {
    clearTimeout(this.pendingMembers.get(memberId))
    const timer = setTimeout(() => {
      this.pendingMembers.delete(memberId)
      if (this.state === 'PreparingRebalance') this.tryCompleteJoin()
    }, sessionTimeoutMs)
    timer.unref?.()
    this.pendingMembers.set(memberId, timer)
  }

  private addMemberAndRebalance(memberId: string, req: JoinRequest): Promise<JoinResult> {
    clearTimeout(this.pendingMembers.get(memberId))
    this.pendingMembers.delete(memberId)
    const m: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      isNew: true,
    }
    if (this.members.size === 0) this.protocolType = req.protocolType
    this.members.set(memberId, m)
    if (m.groupInstanceId !== null) this.staticMembers.set(m.groupInstanceId, memberId)
    if (this.leaderId === null) this.leaderId = memberId
    if (this.state === 'PreparingRebalance' && this.generationId === 0) this.newMemberAdded = true
    if (this.initialDelayActive) this.newMemberAdded = true
    const p = new Promise<JoinResult>((resolve) => (m.joinWaiter = resolve))
    this.scheduleHeartbeat(m)
    this.maybePrepareRebalance()
    this.tryCompleteJoin()
    return p
  }

  private updateMemberAndRebalance(m: Member, req: JoinRequest): Promise<JoinResult> {
    m.protocols = req.protocols
    m.sessionTimeoutMs = req.sessionTimeoutMs
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    m.clientId = req.clientId
    m.clientHost = req.clientHost
    // A retried JoinGroup replaces the one still waiting; the old request is answered now.
    m.joinWaiter?.(joinError(m.memberId, ErrorCode.REBALANCE_IN_PROGRESS))
    const p = new Promise<JoinResult>((resolve) => (m.joinWaiter = resolve))
    this.scheduleHeartbeat(m)
    this.maybePrepareRebalance()
    this.tryCompleteJoin()
    return p
  }

  /** A static member rejoined with an unknown member id: it takes over its old identity under a new id. */
  private replaceStaticMember(oldId: string, newId: string, req: JoinRequest): Promise<JoinResult> | JoinResult {
    const old = this.members.get(oldId)!
    clearTimeout(old.timer)
    const fenced = ErrorCode.FENCED_INSTANCE_ID
    old.joinWaiter?.(joinError(oldId, fenced))
    old.syncWaiter?.(syncError(fenced))
    const m: Member = {
      ...old,
      memberId: newId,
      joinWaiter: undefined,
      syncWaiter: undefined,
      timer: undefined,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    }
    this.members.delete(oldId)
    this.members.set(newId, m)
    this.staticMembers.set(req.groupInstanceId!, newId)
    if (this.pendingSync.delete(oldId)) this.pendingSync.add(newId)
    const wasLeader = this.leaderId === oldId
    if (wasLeader) this.leaderId = newId
    if (this.state === 'Stable' && sameProtocols(old.protocols, req.protocols)) {
      const err = this.env.storeGroup(this)
      if (err !== ErrorCode.NONE) {
        // Undo: the old identity stays.
        this.members.delete(newId)
        this.members.set(oldId, old)
        this.staticMembers.set(req.groupInstanceId!, oldId)
        if (wasLeader) this.leaderId = oldId
        this.scheduleHeartbeat(old)
        return joinError('', err)
      }
      this.scheduleHeartbeat(m)
      const skip = wasLeader && req.supportsSkipAssignment
      const r = this.joinResultFor(m, skip)
      if (wasLeader && !skip) r.members = []
      return { ...r, skipAssignment: skip }
    }
    return this.updateMemberAndRebalance(m, req)
  }

  private joinResultFor(m: Member, withMembers = m.memberId === this.leaderId): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      skipAssignment: false,
      memberId: m.memberId,
      members: withMembers
        ? [...this.members.values()].map((x) => ({
            memberId: x.memberId,
            groupInstanceId: x.groupInstanceId,
            metadata: x.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    }
  }

  private maybePrepareRebalance(): void {
    if (this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty') this.prepareRebalance()
  }

  prepareRebalance(): void {
    if (this.state === 'CompletingRebalance') this.failPendingSyncs(ErrorCode.REBALANCE_IN_PROGRESS)
    clearTimeout(this.syncTimer)
    this.pendingSync.clear()
    const initial = this.state === 'Empty'
    this.transitionTo('PreparingRebalance')
    clearTimeout(this.joinTimer)
    if (initial) {
      const delay = this.env.initialRebalanceDelayMs
      this.initialDelayActive = true
      this.newMemberAdded = false
      this.startJoinTimer(delay, () => this.initialDelayExpired(Math.max(this.rebalanceTimeoutMs() - delay, 0)))
    } else {
      this.startJoinTimer(this.rebalanceTimeoutMs(), () => this.completeJoin())
      // Nobody left to wait for (e.g. the last member left): the join completes at once.
      this.tryCompleteJoin()
    }
  }

  private startJoinTimer(ms: number, fn: () => void): void {
    clearTimeout(this.joinTimer)
    this.joinTimer = setTimeout(fn, ms)
  }

  /** group.initial.rebalance.delay.ms: while new members keep arriving, wait again, up to the rebalance timeout. */
  private initialDelayExpired(remaining: number): void {
    if (this.state !== 'PreparingRebalance') return
    if (this.newMemberAdded && remaining > 0) {
      this.newMemberAdded = false
      const next = Math.min(this.env.initialRebalanceDelayMs, remaining)
      this.startJoinTimer(next, () => this.initialDelayExpired(Math.max(remaining - next, 0)))
      return
    }
    this.initialDelayActive = false
    this.completeJoin()
  }

  private allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false
    for (const m of this.members.values()) if (!m.joinWaiter) return false
    return true
  }

  private tryCompleteJoin(): void {
    if (this.state === 'PreparingRebalance' && !this.initialDelayActive && this.allMembersJoined()) this.completeJoin()
  }

  /** The join phase ends: members that did not rejoin are dropped and the next generation starts. */
  completeJoin(): void {
    clearTimeout(this.joinTimer)
    this.initialDelayActive = false
    if (this.state !== 'PreparingRebalance') return
    for (const m of [...this.members.values()]) if (!m.joinWaiter) this.removeMember(m.memberId)
    this.generationId++
    if (this.members.size === 0) {
      this.protocolName = null
      this.transitionTo('Empty')
      const err = this.env.storeGroup(this)
      if (err !== ErrorCode.NONE) this.env.log?.(`group ${this.groupId}: storing empty generation ${this.generationId} failed with error ${err}`)
      return
    }
    this.protocolName = this.selectProtocol()
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value!
    this.transitionTo('CompletingRebalance')
    for (const m of this.members.values()) {
      const waiter = m.joinWaiter
      m.joinWaiter = undefined
      m.isNew = false
      waiter?.(this.joinResultFor(m))
      this.scheduleHeartbeat(m)
      this.pendingSync.add(m.memberId)
    }
    const gen = this.generationId
    clearTimeout(this.syncTimer)
    this.syncTimer = setTimeout(() => this.pendingSyncExpired(gen), this.rebalanceTimeoutMs())
  }

  private pendingSyncExpired(generation: number): void {
    if (generation !== this.generationId || this.pendingSync.size === 0) return
    if (this.state !== 'CompletingRebalance' && this.state !== 'Stable') return
    for (const id of [...this.pendingSync]) {
      this.env.log?.(`group ${this.groupId}: member ${id} did not send SyncGroup in time; removing it`)
      this.removeMember(id)
    }
    this.prepareRebalance()
  }

  private failPendingSyncs(errorCode: number): void {
    for (const m of this.members.values()) {
      m.assignment = EMPTY
      const w = m.syncWaiter
      m.syncWaiter = undefined
      w?.(syncError(errorCode))
    }
  }

  // ---- SyncGroup ----

  sync(req: SyncRequest): Promise<SyncResult> | SyncResult {
    if (this.state === 'Dead') return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const err = this.validateMember(req.memberId, req.groupInstanceId)
    if (err !== ErrorCode.NONE) return syncError(err)
    if (req.generationId !== this.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION)
    if ((req.protocolType !== null && req.protocolType !== this.protocolType) || (req.protocolName !== null && req.protocolName !== this.protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    }
    const m = this.members.get(req.memberId)!
    switch (this.state) {
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS)
      case 'CompletingRebalance': {
        this.pendingSync.delete(m.memberId)
        this.scheduleHeartbeat(m)
        m.syncWaiter?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS))
        const p = new Promise<SyncResult>((resolve) => (m.syncWaiter = resolve))
        if (m.memberId === this.leaderId) this.completeSync(req.assignments)
        return p
      }
      case 'Stable':
        this.pendingSync.delete(m.memberId)
        this.scheduleHeartbeat(m)
        return { errorCode: ErrorCode.NONE, protocolType: this.protocolType, protocolName: this.protocolName, assignment: m.assignment }
      default:
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID)
    }
  }

  private completeSync(list: { memberId: string; assignment: Buffer }[]): void {
    const assignments = new Map<string, Buffer>()
    for (const id of this.members.keys()) assignments.set(id, EMPTY)
    for (const a of list) if (assignments.has(a.memberId)) assignments.set(a.memberId, a.assignment)
    const err = this.env.storeGroup(this, assignments)
    if (err !== ErrorCode.NONE) {
      this.failPendingSyncs(err)
      this.prepareRebalance()
      return
    }
    for (const m of this.members.values()) {
      m.assignment = assignments.get(m.memberId) ?? EMPTY
      const w = m.syncWaiter
      m.syncWaiter = undefined
      w?.({ errorCode: ErrorCode.NONE, protocolType: this.protocolType, protocolName: this.protocolName, assignment: m.assignment })
    }
    this.transitionTo('Stable')
  }

  // ---- Heartbeat ----

  heartbeat(memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const err = this.validateMember(memberId, groupInstanceId)
    if (err !== ErrorCode.NONE) return err
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION
    const m = this.members.get(memberId)!
    switch (this.state) {
      case 'PreparingRebalance':
        this.scheduleHeartbeat(m)
        return ErrorCode.REBALANCE_IN_PROGRESS
      case 'CompletingRebalance':
      case 'Stable':
        this.scheduleHeartbeat(m)
        return ErrorCode.NONE
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID
    }
  }

  private scheduleHeartbeat(m: Member): void {
    clearTimeout(m.timer)
    m.timer = setTimeout(() => this.sessionExpired(m.memberId), m.sessionTimeoutMs)
  }

  private sessionExpired(memberId: string): void {
    const m = this.members.get(memberId)
    if (!m) return
    // Members waiting in JoinGroup or SyncGroup are kept alive (the rebalance and pending-sync timeouts cover them).
    if (m.joinWaiter || m.syncWaiter) {
      this.scheduleHeartbeat(m)
      return
    }
    this.env.log?.(`group ${this.groupId}: member ${memberId} session timed out after ${m.sessionTimeoutMs} ms`)
    this.removeMemberAndUpdateGroup(memberId)
  }

  // ---- LeaveGroup ----

  /** Removes members; returns one error code per member, in order. */
  leave(members: { memberId: string; groupInstanceId: string | null }[]): number[] {
    return members.map(({ memberId, groupInstanceId }) => {
      if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
      if (groupInstanceId !== null) {
        const existing = this.staticMembers.get(groupInstanceId)
        if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID
        if (memberId !== '' && memberId !== existing) return ErrorCode.FENCED_INSTANCE_ID
        this.removeMemberAndUpdateGroup(existing)
        return ErrorCode.NONE
      }
      if (this.pendingMembers.has(memberId)) {
        clearTimeout(this.pendingMembers.get(memberId))
        this.pendingMembers.delete(memberId)
        this.tryCompleteJoin()
        return ErrorCode.NONE
      }
      if (!this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID
      this.removeMemberAndUpdateGroup(memberId)
      return ErrorCode.NONE
    })
  }

  private removeMember(memberId: string): void {
    const m = this.members.get(memberId)
    if (!m) return
    clearTimeout(m.timer)
    const jw = m.joinWaiter
    const sw = m.syncWaiter
    m.joinWaiter = m.syncWaiter = undefined
    jw?.(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID))
    sw?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID))
    this.members.delete(memberId)
    if (m.groupInstanceId !== null && this.staticMembers.get(m.groupInstanceId) === memberId) this.staticMembers.delete(m.groupInstanceId)
    this.pendingSync.delete(memberId)
    if (this.leaderId === memberId) this.leaderId = this.members.size > 0 ? this.members.keys().next().value! : null
  }

  private removeMemberAndUpdateGroup(memberId: string): void {
    this.removeMember(memberId)
    switch (this.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance()
        break
      case 'PreparingRebalance':
        this.tryCompleteJoin()
        break
      default:
    }
  }

  // ---- offsets ----

  /** Kafka's ClassicGroup.validateOffsetCommit. */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (generationId < 0 && this.state === 'Empty') return ErrorCode.NONE
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const err = this.validateMember(memberId, groupInstanceId)
      if (err !== ErrorCode.NONE) return err
      if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION
    } else if (this.state !== 'Empty') {
      return ErrorCode.UNKNOWN_MEMBER_ID
    }
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS
    const m = this.members.get(memberId)
    if (m && !m.joinWaiter && !m.syncWaiter) this.scheduleHeartbeat(m)
    return ErrorCode.NONE
  }

  offset(topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(topic)?.get(partition)
  }

  setOffset(topic: string, partition: number, o: CommittedOffset | null): void {
    let t = this.offsets.get(topic)
    if (o === null) {
      t?.delete(partition)
      if (t && t.size === 0) this.offsets.delete(topic)
      return
    }
    if (!t) this.offsets.set(topic, (t = new Map()))
    t.set(partition, o)
  }

  hasOffsets(): boolean {
    return this.offsets.size > 0
  }

  // ---- loading and shutdown ----

  /** Restores the group from its metadata record (coordinator load); members get fresh session timers. */
  restore(v: {
    protocolType: string
    generation: number
    protocol: string | null
    leader: string | null
    currentStateTimestamp: number
    members: RestoredMember[]
  }): void {
    this.clearTimers()
    this.members.clear()
    this.staticMembers.clear()
    this.protocolType = v.protocolType
    this.generationId = v.generation
    this.protocolName = v.protocol
    this.leaderId = v.leader
    for (const mm of v.members) {
      const m: Member = {
        memberId: mm.memberId,
        groupInstanceId: mm.groupInstanceId,
        clientId: mm.clientId,
        clientHost: mm.clientHost,
        sessionTimeoutMs: mm.sessionTimeoutMs,
        rebalanceTimeoutMs: mm.rebalanceTimeoutMs,
        assignment: mm.assignment,
        protocolType: v.protocolType,
        protocols: [{ name: v.protocol ?? '', metadata: mm.subscription }],
        isNew: false,
      }
      this.members.set(m.memberId, m)
      if (m.groupInstanceId !== null) this.staticMembers.set(m.groupInstanceId, m.memberId)
    }
    this.state = this.members.size === 0 ? 'Empty' : 'Stable'
    this.currentStateTimestamp = v.currentStateTimestamp >= 0 ? v.currentStateTimestamp : this.now()
    for (const m of this.members.values()) this.scheduleHeartbeat(m)
  }

  private clearTimers(): void {
    clearTimeout(this.joinTimer)
    clearTimeout(this.syncTimer)
    for (const t of this.pendingMembers.values()) clearTimeout(t)
    this.pendingMembers.clear()
    for (const m of this.members.values()) clearTimeout(m.timer)
  }

  /** DeleteGroups, offsets expired, or coordinator shutdown: answers waiting requests and stops all timers. */
  markDead(errorCode: number = ErrorCode.COORDINATOR_NOT_AVAILABLE): void {
    this.clearTimers()
    for (const m of this.members.values()) {
      const jw = m.joinWaiter
      const sw = m.syncWaiter
      m.joinWaiter = m.syncWaiter = undefined
      jw?.(joinError(m.memberId, errorCode))
      sw?.(syncError(errorCode))
    }
    this.transitionTo('Dead')
  }
}

function sameProtocols(a: Protocol[], b: Protocol[]): boolean {
  if (a.length !== b.length) return false
  return a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
}
