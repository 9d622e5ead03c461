import { defineApiMessages } from '../schema'

// AlterPartitionReassignments (key 45): fields per version as in Kafka 4.1's message specs.
export const { request: AlterPartitionReassignmentsRequest, response: AlterPartitionReassignmentsResponse } = defineApiMessages({
  apiKey: 45,
  name: 'AlterPartitionReassignments',
  validVersions: '0-1',
  flexibleVersions: '0+',
  request: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'allowReplicationFactorChange', type: 'bool', versions: '1+', default: true },
    {
      name: 'topics',
      type: '[]ReassignableTopic',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ReassignablePartition',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'replicas', type: '[]int32', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'allowReplicationFactorChange', type: 'bool', versions: '1+', default: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'responses',
      type: '[]ReassignableTopicResponse',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]ReassignablePartitionResponse',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
})
