// What each API checks, and how a refusal is answered, as Kafka's KafkaApis does it: a request is
// split into the parts the principal may touch and the parts it may not; the handler sees only
// the first, and the refused parts come back with TOPIC_/GROUP_/CLUSTER_/TRANSACTIONAL_ID_
// AUTHORIZATION_FAILED. Requests refused as a whole never reach the handler. Handlers stay
// unaware of authorization; this table is the one place that knows what each API needs.
import { ErrorCode } from '../errors'
import type { ApiDefinition, RequestContext } from '../apis/registry'
import { AclOperation as Op, ResourceType as RT, CLUSTER_NAME } from './acl'
import { authorizedOperations, type Authorizer } from './authorizer'
import { ANONYMOUS } from './principal'

type Body = Record<string, unknown>
type Check = (operation: number, resourceType: number, name: string) => boolean

interface Outcome {
  /** Answer without calling the handler. */
  response?: Body
  /** The request the handler sees (the authorized part). */
  request?: Body
  /** Adds the refused parts to the handler's response (or filters it). */
  merge?: (response: Body) => Body
}

type Rule = (req: Body, can: Check, ctx: RequestContext, authz: Authorizer) => Outcome

const TOPIC_DENIED = ErrorCode.TOPIC_AUTHORIZATION_FAILED
const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED
const CLUSTER_DENIED = ErrorCode.CLUSTER_AUTHORIZATION_FAILED
const TXN_DENIED = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED

const list = (v: unknown): Body[] => (Array.isArray(v) ? (v as Body[]) : [])

/** A topic entry's name: by name, or (newer versions) by topic id. */
function topicName(ctx: RequestContext, entry: Body, nameField = 'name'): string | undefined {
  const name = entry[nameField]
  if (typeof name === 'string' && name !== '') return name
  const id = entry.topicId
  if (Buffer.isBuffer(id)) return ctx.broker.metadata.topicById(id.toString('base64'))?.name
  return undefined
}

/** Splits the topic entries of `field` into allowed and refused by `operation` on each topic. */
function splitTopics(req: Body, field: string, op: number, can: Check, ctx: RequestContext, nameField = 'name'): { allowed: Body[]; refused: Body[] } {
  const allowed: Body[] = []
  const refused: Body[] = []
  for (const t of list(req[field])) {
    const name = topicName(ctx, t, nameField)
    // An unknown topic id is left to the handler (UNKNOWN_TOPIC_ID).
    if (name === undefined || can(op, RT.TOPIC, name)) allowed.push(t)
    else refused.push(t)
  }
  return { allowed, refused }
}

function clusterRule(op: number, denied: (req: Body, ctx: RequestContext) => Body): Rule {
  return (req, can, ctx) => (can(op, RT.CLUSTER, CLUSTER_NAME) ? {} : { response: denied(req, ctx) })
}

function groupRule(op: number, denied: (req: Body) => Body): Rule {
  return (req, can) => (can(op, RT.GROUP, String(req.groupId)) ? {} : { response: denied(req) })
}

const DENIED_MESSAGE = 'Cluster authorization failed.'

export const API_RULES: Record<number, Rule> = {
  // Produce: WRITE on the transactional id (whole request), WRITE on each topic.
  0: (req, can, ctx) => {
    const txn = req.transactionalId
    const denyAll = typeof txn === 'string' && !can(Op.WRITE, RT.TRANSACTIONAL_ID, txn)
    const { allowed, refused } = denyAll ? { allowed: [], refused: list(req.topicData) } : splitTopics(req, 'topicData', Op.WRITE, can, ctx)
    if (refused.length === 0) return {}
    const code = denyAll ? TXN_DENIED : TOPIC_DENIED
    return {
      request: { ...req, topicData: allowed },
      merge: (res) => ({
        ...res,
        responses: [
          ...list(res.responses),
          ...refused.map((t) => ({
            name: t.name,
            topicId: t.topicId,
            partitionResponses: list(t.partitionData).map((p) => ({
              index: p.index,
              errorCode: code,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
            })),
          })),
        ],
      }),
    }
  },
  // Fetch: a follower needs CLUSTER_ACTION; a consumer READ on each topic. A refused partition
  // carries empty records, as Kafka sends (librdkafka 2.0 cannot read a null there).
  1: (req, can, ctx) => {
    const replicaState = req.replicaState as Body | undefined
    const replicaId = Number(replicaState?.replicaId ?? req.replicaId ?? -1)
    const follower = replicaId >= 0
    const { allowed, refused } =
      follower && !can(Op.CLUSTER_ACTION, RT.CLUSTER, CLUSTER_NAME)
        ? { allowed: [], refused: list(req.topics) }
        : follower
          ? { allowed: list(req.topics), refused: [] }
          : splitTopics(req, 'topics', Op.READ, can, ctx, 'topic')
    if (refused.length === 0) return {}
    return {
      request: { ...req, topics: allowed },
      merge: (res) => ({
        ...res,
        responses: [
          ...list(res.responses),
          ...refused.map((t) => ({
            topic: t.topic,
            topicId: t.topicId,
            partitions: list(t.partitions).map((p) => ({
              partitionIndex: p.partition,
              errorCode: TOPIC_DENIED,
              highWatermark: -1,
              lastStableOffset: -1,
              logStartOffset: -1,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: [],
            })),
          })),
        ],
      }),
    }
  },
  // ListOffsets: DESCRIBE on each topic.
  2: (req, can, ctx) => {
    const { allowed, refused } = splitTopics(req, 'topics', Op.DESCRIBE, can, ctx)
    if (refused.length === 0) return {}
    return {
      request: { ...req, topics: allowed },
      merge: (res) => ({
        ...res,
        topics: [
          ...list(res.topics),
          ...refused.map((t) => ({
            name: t.name,
            partitions: list(t.partitions).map((p) => ({
              partitionIndex: p.partitionIndex,
              errorCode: TOPIC_DENIED,
              timestamp: -1,
              offset: -1,
              oldStyleOffsets: [],
            })),
          })),
        ],
      }),
    }
  },
  // Metadata: topics the principal may not DESCRIBE are hidden from a list of all topics and
  // refused when named; naming a missing topic to auto-create it also needs CREATE.
  3: (req, can, ctx, authz) => {
    const md = ctx.broker.metadata
    const principal = ctx.security?.principal ?? ANONYMOUS
    const host = ctx.security?.clientHost ?? ''
    const named = req.topics === null || (ctx.apiVersion === 0 && list(req.topics).length === 0) ? null : list(req.topics)
    const refused: Body[] = []
    let request: Body | undefined
    if (named) {
      const allowed: Body[] = []
      for (const t of named) {
        const name = topicName(ctx, t)
        if (name === undefined) allowed.push(t)
        else if (!can(Op.DESCRIBE, RT.TOPIC, name)) refused.push(t)
        else if (!md.topics.has(name) && !can(Op.CREATE, RT.CLUSTER, CLUSTER_NAME) && !can(Op.CREATE, RT.TOPIC, name)) refused.push(t)
        else allowed.push(t)
      }
      request = { ...req, topics: allowed }
    }
    const withOps = ctx.apiVersion >= 8 && req.includeTopicAuthorizedOperations === true
    const withClusterOps = ctx.apiVersion >= 8 && ctx.apiVersion <= 10 && req.includeClusterAuthorizedOperations === true
    return {
      request,
      merge: (res) => {
        let topics = list(res.topics)
        if (!named) topics = topics.filter((t) => typeof t.name !== 'string' || can(Op.DESCRIBE, RT.TOPIC, t.name))
        if (withOps)
          topics = topics.map((t) =>
            t.errorCode === ErrorCode.NONE && typeof t.name === 'string'
              ? { ...t, topicAuthorizedOperations: authorizedOperations(authz, principal, host, RT.TOPIC, t.name) }
              : t,
          )
        topics = [
          ...topics,
          ...refused.map((t) => ({
            errorCode: TOPIC_DENIED,
            name: t.name ?? null,
            topicId: t.topicId,
            isInternal: false,
            partitions: [],
            topicAuthorizedOperations: -2147483648,
          })),
        ]
        const out: Body = { ...res, topics }
        if (withClusterOps) out.clusterAuthorizedOperations = authorizedOperations(authz, principal, host, RT.CLUSTER, CLUSTER_NAME)
        return out
      },
    }
  },
  // OffsetCommit: READ on the group (whole request), READ on each topic.
  8: (req, can, ctx) => {
    const groupOk = can(Op.READ, RT.GROUP, String(req.groupId))
    const { allowed, refused } = groupOk ? splitTopics(req, 'topics', Op.READ, can, ctx) : { allowed: [], refused: list(req.topics) }
    if (refused.length === 0) return {}
    const code = groupOk ? TOPIC_DENIED : GROUP_DENIED
    const entries = refused.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: list(t.partitions).map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })),
    }))
    if (!groupOk) return { response: { throttleTimeMs: 0, topics: entries } }
    return { request: { ...req, topics: allowed }, merge: (res) => ({ ...res, topics: [...list(res.topics), ...entries] }) }
  },
  // OffsetFetch: DESCRIBE on the group; offsets of topics the principal may not DESCRIBE are refused (or left out of "all").
  9: (req, can) => {
    const topicFilter = (topics: Body[], all: boolean) =>
      all
        ? topics.filter((t) => can(Op.DESCRIBE, RT.TOPIC, String(t.name)))
        : topics.map((t) =>
            can(Op.DESCRIBE, RT.TOPIC, String(t.name))
              ? t
              : { ...t, partitions: list(t.partitions).map((p) => ({ ...p, committedOffset: -1, metadata: null, errorCode: TOPIC_DENIED })) },
          )
    if (Array.isArray(req.groups) && list(req.groups).length > 0) {
      const groups = list(req.groups)
      const refused = groups.filter((g) => !can(Op.DESCRIBE, RT.GROUP, String(g.groupId)))
      return {
        request: { ...req, groups: groups.filter((g) => !refused.includes(g)) },
        merge: (res) => ({
          ...res,
          groups: [
            ...list(res.groups).map((g) => {
              const asked = groups.find((x) => x.groupId === g.groupId)
              return { ...g, topics: topicFilter(list(g.topics), !asked || asked.topics === null) }
            }),
            ...refused.map((g) => ({ groupId: g.groupId, topics: [], errorCode: GROUP_DENIED })),
          ],
        }),
      }
    }
    if (!can(Op.DESCRIBE, RT.GROUP, String(req.groupId))) return { response: { throttleTimeMs: 0, topics: [], errorCode: GROUP_DENIED } }
    return { merge: (res) => ({ ...res, topics: topicFilter(list(res.topics), req.topics === null) }) }
  },
  // FindCoordinator: DESCRIBE on the group or transactional id.
  10: (req, can, ctx) => {
    const keyType = ctx.apiVersion >= 1 ? Number(req.keyType) : 0
    const rt = keyType === 1 ? RT.TRANSACTIONAL_ID : RT.GROUP
    const code = keyType === 1 ? TXN_DENIED : GROUP_DENIED
    if (ctx.apiVersion >= 4) {
      const keys = (req.coordinatorKeys as string[]) ?? []
      const refused = keys.filter((k) => !can(Op.DESCRIBE, rt, k))
      if (refused.length === 0) return {}
      return {
        request: { ...req, coordinatorKeys: keys.filter((k) => !refused.includes(k)) },
        merge: (res) => ({
          ...res,
          coordinators: [...list(res.coordinators), ...refused.map((key) => ({ key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: null }))],
        }),
      }
    }
    if (can(Op.DESCRIBE, rt, String(req.key))) return {}
    return { response: { throttleTimeMs: 0, errorCode: code, errorMessage: null, nodeId: -1, host: '', port: -1 } }
  },
  11: groupRule(Op.READ, () => ({ throttleTimeMs: 0, errorCode: GROUP_DENIED, generationId: -1, protocolName: null, leader: '', memberId: '', members: [] })),
  12: groupRule(Op.READ, () => ({ throttleTimeMs: 0, errorCode: GROUP_DENIED })),
  13: groupRule(Op.READ, () => ({ throttleTimeMs: 0, errorCode: GROUP_DENIED, members: [] })),
  14: groupRule(Op.READ, () => ({ throttleTimeMs: 0, errorCode: GROUP_DENIED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) })),
  // DescribeGroups: DESCRIBE on each group (and its authorized operations when asked).
  15: (req, can, ctx, authz) => ({
    merge: (res) => ({
      ...res,
      groups: list(res.groups).map((g) => {
        const id = String(g.groupId)
        if (!can(Op.DESCRIBE, RT.GROUP, id))
          return { groupId: id, errorCode: GROUP_DENIED, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: -2147483648 }
        if (req.includeAuthorizedOperations !== true) return g
        return { ...g, authorizedOperations: authorizedOperations(authz, ctx.security?.principal ?? ANONYMOUS, ctx.security?.clientHost ?? '', RT.GROUP, id) }
      }),
    }),
  }),
  // ListGroups: every group with DESCRIBE on the cluster, else the groups the principal may DESCRIBE.
  16: (_req, can) =>
    can(Op.DESCRIBE, RT.CLUSTER, CLUSTER_NAME)
      ? {}
      : { merge: (res) => ({ ...res, groups: list(res.groups).filter((g) => can(Op.DESCRIBE, RT.GROUP, String(g.groupId))) }) },
  // CreateTopics: CREATE on the cluster or on the topic.
  19: (req, can, ctx) => {
    const topics = list(req.topics)
    const refused = topics.filter((t) => !can(Op.CREATE, RT.CLUSTER, CLUSTER_NAME) && !can(Op.CREATE, RT.TOPIC, String(t.name)))
    if (refused.length === 0) return {}
    return {
      request: { ...req, topics: topics.filter((t) => !refused.includes(t)) },
      merge: (res) => ({
        ...res,
        topics: [
          ...list(res.topics),
          ...refused.map((t) => ({
            name: t.name,
            errorCode: TOPIC_DENIED,
            errorMessage: 'Authorization failed.',
            numPartitions: -1,
            replicationFactor: -1,
            configs: ctx.apiVersion >= 5 ? null : [],
          })),
        ],
      }),
    }
  },
  // DeleteTopics: DELETE on each topic.
  20: (req, can, ctx) => {
    if (ctx.apiVersion < 6) {
      const names = (req.topicNames as string[]) ?? []
      const refused = names.filter((n) => !can(Op.DELETE, RT.TOPIC, n))
      if (refused.length === 0) return {}
      return {
        request: { ...req, topicNames: names.filter((n) => !refused.includes(n)) },
        merge: (res) => ({ ...res, responses: [...list(res.responses), ...refused.map((name) => ({ name, errorCode: TOPIC_DENIED, errorMessage: null }))] }),
      }
    }
    const { allowed, refused } = splitTopics(req, 'topics', Op.DELETE, can, ctx)
    if (refused.length === 0) return {}
    return {
      request: { ...req, topics: allowed },
      merge: (res) => ({
        ...res,
        responses: [...list(res.responses), ...refused.map((t) => ({ name: t.name, topicId: t.topicId, errorCode: TOPIC_DENIED, errorMessage: null }))],
      }),
    }
  },
  // InitProducerId: WRITE on the transactional id; an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
  22: (req, can, ctx, authz) => {
    const txn = req.transactionalId
    const denied = (errorCode: number) => ({ response: { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 } })
    if (typeof txn === 'string') return can(Op.WRITE, RT.TRANSACTIONAL_ID, txn) ? {} : denied(TXN_DENIED)
    if (can(Op.IDEMPOTENT_WRITE, RT.CLUSTER, CLUSTER_NAME)) return {}
    return authz.authorizeAny(ctx.security?.principal ?? ANONYMOUS, ctx.security?.clientHost ?? '', Op.WRITE, RT.TOPIC) ? {} : denied(CLUSTER_DENIED)
  },
  // OffsetForLeaderEpoch: a follower needs CLUSTER_ACTION; a client DESCRIBE on each topic.
  23: (req, can) => {
    const follower = Number(req.replicaId ?? -1) >= 0
    const ok = (name: string) => (follower ? can(Op.CLUSTER_ACTION, RT.CLUSTER, CLUSTER_NAME) : can(Op.DESCRIBE, RT.TOPIC, name))
    return {
      merge: (res) => ({
        ...res,
        topics: list(res.topics).map((t) =>
          ok(String(t.topic)) ? t : { ...t, partitions: list(t.partitions).map((p) => ({ ...p, errorCode: TOPIC_DENIED, leaderEpoch: -1, endOffset: -1 })) },
        ),
      }),
    }
  },
  // AddPartitionsToTxn (client versions 0-3): WRITE on the transactional id and on every topic;
  // when any topic is refused, nothing is added and the others answer OPERATION_NOT_ATTEMPTED.
  24: (req, can, ctx) => {
    if (ctx.apiVersion >= 4)
      return can(Op.CLUSTER_ACTION, RT.CLUSTER, CLUSTER_NAME) ? {} : { response: { throttleTimeMs: 0, errorCode: CLUSTER_DENIED, resultsByTransaction: [] } }
    const topics = list(req.v3AndBelowTopics)
    const txnOk = can(Op.WRITE, RT.TRANSACTIONAL_ID, String(req.v3AndBelowTransactionalId))
    const refused = new Set(topics.filter((t) => !can(Op.WRITE, RT.TOPIC, String(t.name))).map((t) => String(t.name)))
    if (txnOk && refused.size === 0) return {}
    const code = (name: string) => (!txnOk ? TXN_DENIED : refused.has(name) ? TOPIC_DENIED : ErrorCode.OPERATION_NOT_ATTEMPTED)
    return {
      response: {
        throttleTimeMs: 0,
        resultsByTopicV3AndBelow: topics.map((t) => ({
          name: t.name,
          resultsByPartition: ((t.partitions as number[]) ?? []).map((partitionIndex) => ({ partitionIndex, partitionErrorCode: code(String(t.name)) })),
        })),
      },
    }
  },
  // AddOffsetsToTxn: WRITE on the transactional id, READ on the group.
  25: (req, can) => {
    if (!can(Op.WRITE, RT.TRANSACTIONAL_ID, String(req.transactionalId))) return { response: { throttleTimeMs: 0, errorCode: TXN_DENIED } }
    return can(Op.READ, RT.GROUP, String(req.groupId)) ? {} : { response: { throttleTimeMs: 0, errorCode: GROUP_DENIED } }
  },
  // EndTxn: WRITE on the transactional id.
  26: (req, can) =>
    can(Op.WRITE, RT.TRANSACTIONAL_ID, String(req.transactionalId))
      ? {}
      : { response: { throttleTimeMs: 0, errorCode: TXN_DENIED, producerId: -1, producerEpoch: -1 } },
  // WriteTxnMarkers comes from brokers: CLUSTER_ACTION.
  27: clusterRule(Op.CLUSTER_ACTION, () => ({ markers: [] })),
  // TxnOffsetCommit: WRITE on the transactional id, READ on the group (whole request), READ on each topic.
  28: (req, can, ctx) => {
    const txnOk = can(Op.WRITE, RT.TRANSACTIONAL_ID, String(req.transactionalId))
    const groupOk = txnOk && can(Op.READ, RT.GROUP, String(req.groupId))
    const { allowed, refused } = groupOk ? splitTopics(req, 'topics', Op.READ, can, ctx) : { allowed: [], refused: list(req.topics) }
    if (refused.length === 0) return {}
    const code = !txnOk ? TXN_DENIED : !groupOk ? GROUP_DENIED : TOPIC_DENIED
    const entries = refused.map((t) => ({ name: t.name, partitions: list(t.partitions).map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) }))
    if (!groupOk) return { response: { throttleTimeMs: 0, topics: entries } }
    return { request: { ...req, topics: allowed }, merge: (res) => ({ ...res, topics: [...list(res.topics), ...entries] }) }
  },
  29: clusterRule(Op.DESCRIBE, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE, resources: [] })),
  30: clusterRule(Op.ALTER, (req) => ({
    throttleTimeMs: 0,
    results: list(req.creations).map(() => ({ errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE })),
  })),
  31: clusterRule(Op.ALTER, (req) => ({
    throttleTimeMs: 0,
    filterResults: list(req.filters).map(() => ({ errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE, matchingAcls: [] })),
  })),
  // DescribeConfigs / AlterConfigs / IncrementalAlterConfigs: *_CONFIGS on the topic, or on the cluster for broker resources.
  32: configsRule(Op.DESCRIBE_CONFIGS, 'results', (r, code, msg) => ({
    errorCode: code,
    errorMessage: msg,
    resourceType: r.resourceType,
    resourceName: r.resourceName,
    configs: [],
  })),
  33: configsRule(Op.ALTER_CONFIGS, 'responses', (r, code, msg) => ({
    errorCode: code,
    errorMessage: msg,
    resourceType: r.resourceType,
    resourceName: r.resourceName,
  })),
  44: configsRule(Op.ALTER_CONFIGS, 'responses', (r, code, msg) => ({
    errorCode: code,
    errorMessage: msg,
    resourceType: r.resourceType,
    resourceName: r.resourceName,
  })),
  35: clusterRule(Op.DESCRIBE, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, results: [] })),
  // CreatePartitions: ALTER on each topic.
  37: (req, can, ctx) => {
    const { allowed, refused } = splitTopics(req, 'topics', Op.ALTER, can, ctx)
    if (refused.length === 0) return {}
    return {
      request: { ...req, topics: allowed },
      merge: (res) => ({ ...res, results: [...list(res.results), ...refused.map((t) => ({ name: t.name, errorCode: TOPIC_DENIED, errorMessage: null }))] }),
    }
  },
  // DeleteGroups: DELETE on each group.
  42: (req, can) => {
    const names = (req.groupsNames as string[]) ?? []
    const refused = names.filter((n) => !can(Op.DELETE, RT.GROUP, n))
    if (refused.length === 0) return {}
    return {
      request: { ...req, groupsNames: names.filter((n) => !refused.includes(n)) },
      merge: (res) => ({ ...res, results: [...list(res.results), ...refused.map((groupId) => ({ groupId, errorCode: GROUP_DENIED }))] }),
    }
  },
  43: clusterRule(Op.ALTER, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, replicaElectionResults: [] })),
  45: clusterRule(Op.ALTER, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE, responses: [] })),
  46: clusterRule(Op.DESCRIBE, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE, topics: [] })),
  47: groupRule(Op.DELETE, () => ({ throttleTimeMs: 0, errorCode: GROUP_DENIED, topics: [] })),
  // DescribeCluster: the cluster's authorized operations, when asked, are the principal's.
  60: (req, _can, ctx, authz) =>
    req.includeClusterAuthorizedOperations === true
      ? {
          merge: (res) => ({
            ...res,
            clusterAuthorizedOperations: authorizedOperations(
              authz,
              ctx.security?.principal ?? ANONYMOUS,
              ctx.security?.clientHost ?? '',
              RT.CLUSTER,
              CLUSTER_NAME,
            ),
          }),
        }
      : {},
  // DescribeProducers: READ on each topic.
  61: (_req, can) => ({
    merge: (res) => ({
      ...res,
      topics: list(res.topics).map((t) =>
        can(Op.READ, RT.TOPIC, String(t.name))
          ? t
          : {
              ...t,
              partitions: list(t.partitions).map((p) => ({
                partitionIndex: p.partitionIndex,
                errorCode: TOPIC_DENIED,
                errorMessage: null,
                activeProducers: [],
              })),
            },
      ),
    }),
  }),
  // DescribeTransactions: DESCRIBE on each transactional id; ListTransactions lists only those.
  65: (_req, can) => ({
    merge: (res) => ({
      ...res,
      transactionStates: list(res.transactionStates).map((t) =>
        can(Op.DESCRIBE, RT.TRANSACTIONAL_ID, String(t.transactionalId))
          ? t
          : {
              transactionalId: t.transactionalId,
              errorCode: TXN_DENIED,
              transactionState: '',
              transactionTimeoutMs: 0,
              transactionStartTimeMs: -1,
              producerId: -1,
              producerEpoch: -1,
              topics: [],
            },
      ),
    }),
  }),
  66: (_req, can) => ({
    merge: (res) => ({
      ...res,
      transactionStates: list(res.transactionStates).filter((t) => can(Op.DESCRIBE, RT.TRANSACTIONAL_ID, String(t.transactionalId))),
    }),
  }),
  48: clusterRule(Op.DESCRIBE_CONFIGS, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE, entries: null })),
  49: clusterRule(Op.ALTER_CONFIGS, (req) => ({
    throttleTimeMs: 0,
    entries: list(req.entries).map((e) => ({ errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE, entity: e.entity })),
  })),
  50: clusterRule(Op.DESCRIBE, () => ({ throttleTimeMs: 0, errorCode: CLUSTER_DENIED, errorMessage: DENIED_MESSAGE, results: [] })),
  51: clusterRule(Op.ALTER, (req) => ({
    throttleTimeMs: 0,
    results: [...new Set([...list(req.deletions), ...list(req.upsertions)].map((x) => String(x.name)))].map((user) => ({
      user,
      errorCode: CLUSTER_DENIED,
      errorMessage: DENIED_MESSAGE,
    })),
  })),
}

/** Config resources: topics need the operation on the topic, brokers (4) and broker loggers (8) on the cluster. */
function configsRule(op: number, field: string, entry: (r: Body, code: number, message: string) => Body): Rule {
  return (req, can) => {
    const resources = list(req.resources)
    const refused = resources.filter((r) => (Number(r.resourceType) === 2 ? !can(op, RT.TOPIC, String(r.resourceName)) : !can(op, RT.CLUSTER, CLUSTER_NAME)))
    if (refused.length === 0) return {}
    return {
      request: { ...req, resources: resources.filter((r) => !refused.includes(r)) },
      merge: (res) => ({
        ...res,
        [field]: [
          ...list(res[field]),
          ...refused.map((r) => (Number(r.resourceType) === 2 ? entry(r, TOPIC_DENIED, `Authorization failed.`) : entry(r, CLUSTER_DENIED, DENIED_MESSAGE))),
        ],
      }),
    }
  }
}

/** Runs a request through its API's authorization rule and the handler. */
export function authorizeRequest(authz: Authorizer, api: ApiDefinition, request: Body, ctx: RequestContext): unknown | Promise<unknown> {
  const rule = API_RULES[api.key]
  if (!rule) return api.handle(request, ctx)
  const principal = ctx.security?.principal ?? ANONYMOUS
  const host = ctx.security?.clientHost ?? ''
  const can: Check = (op, rt, name) => authz.authorize(principal, host, op, rt, name)
  const outcome = rule(request, can, ctx, authz)
  if (outcome.response) return outcome.response
  const result = api.handle(outcome.request ?? request, ctx)
  const merge = outcome.merge
  if (!merge) return result
  if (result instanceof Promise) return result.then((r) => (r === undefined ? r : merge(r as Body)))
  return result === undefined ? result : merge(result as Body)
}
