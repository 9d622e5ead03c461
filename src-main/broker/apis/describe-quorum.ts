import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'
import { quorumSource, type QuorumInfo } from '../process/quorum-info'

/** The metadata log's topic-partition, the only one DescribeQuorum may name (KRaft has one raft partition). */
const METADATA_TOPIC = '__cluster_metadata'
/** Kafka's controller node when the quorum is one controller (the supervisor's, process/supervisor.ts). */
const CONTROLLER_ID = 0
/** How long a broker waits for the controller's answer before reporting REQUEST_TIMED_OUT. */
const CONTROLLER_TIMEOUT_MS = 5000

function answer(info: QuorumInfo) {
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topics: [
      {
        topicName: METADATA_TOPIC,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            leaderId: info.leaderId,
            leaderEpoch: info.leaderEpoch,
            highWatermark: info.highWatermark,
            currentVoters: info.voters,
            observers: info.observers,
          },
        ],
      },
    ],
    // The voters' endpoints: the controller's own listener (controller.listener.names, KIP-919), where it serves one.
    nodes: info.endpoints.map((e) => ({ nodeId: e.nodeId, listeners: [{ name: e.listenerName, host: e.host, port: e.port }] })),
  }
}
// Directory ids (v2) are left zero: the tools then print none, as for a quorum without KIP-853 directories.

export default defineApi(ApiKey.DescribeQuorum, {
  async handle(req, ctx) {
    // As KafkaRaftClient: a request naming anything but exactly __cluster_metadata-0 gets
    // UNKNOWN_TOPIC_OR_PARTITION on every partition it names.
    const valid =
      req.topics.length === 1 &&
      req.topics[0]!.topicName === METADATA_TOPIC &&
      req.topics[0]!.partitions.length === 1 &&
      req.topics[0]!.partitions[0]!.partitionIndex === 0
    if (!valid) {
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics: req.topics.map((t) => ({
          topicName: t.topicName,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: 'This server does not host this topic-partition.',
            leaderId: 0,
            leaderEpoch: 0,
            highWatermark: 0,
            currentVoters: [],
            observers: [],
          })),
        })),
        nodes: [],
      }
    }
    const md = ctx.broker.metadata
    const source = quorumSource(md)
    if (!source) {
      // A view on a controller in this process: what it replayed is what the controller wrote, so
      // every live broker is caught up; their fetch times are not tracked.
      const end = md.offset + 1
      const now = Date.now()
      return answer({
        leaderId: CONTROLLER_ID,
        leaderEpoch: md.controllerEpoch,
        highWatermark: end,
        voters: [{ replicaId: CONTROLLER_ID, logEndOffset: end, lastFetchTimestamp: now, lastCaughtUpTimestamp: now }],
        observers: md.liveBrokerIds().map((id) => ({ replicaId: id, logEndOffset: end, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1 })),
        endpoints: [],
      })
    }
    let timer: NodeJS.Timeout | undefined
    try {
      const info = await Promise.race([
        source(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new KafkaError('REQUEST_TIMED_OUT', 'the controller did not answer DescribeQuorum')), CONTROLLER_TIMEOUT_MS)
        }),
      ])
      return answer(info)
    } catch (e) {
      const err = e instanceof KafkaError ? e : new KafkaError('UNKNOWN_SERVER_ERROR', (e as Error).message)
      return { errorCode: err.code, errorMessage: err.message, topics: [], nodes: [] }
    } finally {
      clearTimeout(timer)
    }
  },
})
