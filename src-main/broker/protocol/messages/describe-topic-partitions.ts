import { defineApiMessages } from '../schema'

// DescribeTopicPartitions (key 75): fields per version as in Kafka 4.1's message specs.
export const { request: DescribeTopicPartitionsRequest, response: DescribeTopicPartitionsResponse } = defineApiMessages({
  apiKey: 75,
  name: 'DescribeTopicPartitions',
  validVersions: '0',
  flexibleVersions: '0+',
  request: [
    {
      name: 'topics',
      type: '[]TopicRequest',
      versions: '0+',
      fields: [{ name: 'name', type: 'string', versions: '0+' }],
    },
    { name: 'responsePartitionLimit', type: 'int32', versions: '0+', default: 2000 },
    {
      name: 'cursor',
      type: 'Cursor',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        { name: 'partitionIndex', type: 'int32', versions: '0+' },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: '[]DescribeTopicPartitionsResponseTopic',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'topicId', type: 'uuid', versions: '0+' },
        { name: 'isInternal', type: 'bool', versions: '0+', default: false },
        {
          name: 'partitions',
          type: '[]DescribeTopicPartitionsResponsePartition',
          versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+', default: -1 },
            { name: 'replicaNodes', type: '[]int32', versions: '0+' },
            { name: 'isrNodes', type: '[]int32', versions: '0+' },
            { name: 'eligibleLeaderReplicas', type: '[]int32', versions: '0+', nullableVersions: '0+' },
            { name: 'lastKnownElr', type: '[]int32', versions: '0+', nullableVersions: '0+' },
            { name: 'offlineReplicas', type: '[]int32', versions: '0+' },
          ],
        },
        { name: 'topicAuthorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
      ],
    },
    {
      name: 'nextCursor',
      type: 'Cursor',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        { name: 'partitionIndex', type: 'int32', versions: '0+' },
      ],
    },
  ],
})
