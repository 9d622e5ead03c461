import type { MessageSpec } from '../schema'

// The consumer protocol's member metadata (JoinGroup protocol metadata, "consumer" protocol
// type) and assignment (SyncGroup). On the wire each is an int16 version followed by the
// struct of that version; the version is not part of the struct.
export const ConsumerProtocolSubscription: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'ConsumerProtocolSubscription',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    { name: 'topics', type: '[]string', versions: '0+' },
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
    {
      name: 'ownedPartitions',
      type: '[]TopicPartition',
      versions: '1+',
      fields: [
        { name: 'topic', type: 'string', versions: '1+' },
        { name: 'partitions', type: '[]int32', versions: '1+' },
      ],
    },
    { name: 'generationId', type: 'int32', versions: '2+', default: -1 },
    { name: 'rackId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
}

export const ConsumerProtocolAssignment: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'ConsumerProtocolAssignment',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'assignedPartitions',
      type: '[]TopicPartition',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
  ],
}
