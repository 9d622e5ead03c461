import { defineApiMessages } from '../schema'

// DescribeQuorum (key 55): fields per version as in Kafka 4.1's message specs (KIP-595; v1 adds
// the replicas' fetch timestamps, KIP-836; v2 directory ids, error messages and the voters'
// endpoints, KIP-853).
const ReplicaState = [
  { name: 'replicaId', type: 'int32', versions: '0+' },
  { name: 'replicaDirectoryId', type: 'uuid', versions: '2+' },
  { name: 'logEndOffset', type: 'int64', versions: '0+' },
  { name: 'lastFetchTimestamp', type: 'int64', versions: '1+', default: -1 },
  { name: 'lastCaughtUpTimestamp', type: 'int64', versions: '1+', default: -1 },
] as const

export const { request: DescribeQuorumRequest, response: DescribeQuorumResponse } = defineApiMessages({
  apiKey: 55,
  name: 'DescribeQuorum',
  validVersions: '0-2',
  flexibleVersions: '0+',
  request: [
    {
      name: 'topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]PartitionData', versions: '0+', fields: [{ name: 'partitionIndex', type: 'int32', versions: '0+' }] },
      ],
    },
  ],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '2+', nullableVersions: '2+' },
    {
      name: 'topics',
      type: '[]TopicData',
      versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]PartitionData',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '2+', nullableVersions: '2+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            { name: 'currentVoters', type: '[]ReplicaState', versions: '0+', fields: ReplicaState },
            { name: 'observers', type: '[]ReplicaState', versions: '0+', fields: ReplicaState },
          ],
        },
      ],
    },
    {
      name: 'nodes',
      type: '[]Node',
      versions: '2+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '2+' },
        {
          name: 'listeners',
          type: '[]Listener',
          versions: '2+',
          fields: [
            { name: 'name', type: 'string', versions: '2+' },
            { name: 'host', type: 'string', versions: '2+' },
            { name: 'port', type: 'uint16', versions: '2+' },
          ],
        },
      ],
    },
  ],
})
