import type { MessageSpec } from '../schema'

// Records of the __consumer_offsets topic, in Kafka's own format. Key and value each start
// with an int16 version that is not part of the struct. The key's version says what the
// record is: 0 or 1 an offset commit (OffsetCommitKey), 2 group metadata (GroupMetadataKey).
// A null value is a tombstone.
export const OffsetCommitKey: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'OffsetCommitKey',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '0-1' },
    { name: 'topic', type: 'string', versions: '0-1' },
    { name: 'partition', type: 'int32', versions: '0-1' },
  ],
}

export const OffsetCommitValue: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'OffsetCommitValue',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'offset', type: 'int64', versions: '0+' },
    { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1 },
    { name: 'metadata', type: 'string', versions: '0+' },
    { name: 'commitTimestamp', type: 'int64', versions: '0+' },
    { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1 },
    { name: 'topicId', type: 'uuid', versions: '4+', tag: 0, taggedVersions: '4+' },
  ],
}

export const GroupMetadataKey: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'GroupMetadataKey',
  validVersions: '2',
  flexibleVersions: 'none',
  fields: [{ name: 'group', type: 'string', versions: '2' }],
}

export const GroupMetadataValue: MessageSpec = {
  apiKey: -1,
  type: 'data',
  name: 'GroupMetadataValue',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'generation', type: 'int32', versions: '0+' },
    { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1 },
    {
      name: 'members',
      type: '[]MemberMetadata',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        { name: 'clientId', type: 'string', versions: '0+' },
        { name: 'clientHost', type: 'string', versions: '0+' },
        { name: 'rebalanceTimeout', type: 'int32', versions: '1+', default: -1 },
        { name: 'sessionTimeout', type: 'int32', versions: '0+' },
        { name: 'subscription', type: 'bytes', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
}
