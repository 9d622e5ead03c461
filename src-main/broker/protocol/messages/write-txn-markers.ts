import { defineApiMessages } from '../schema'

// WriteTxnMarkers (key 27): fields per version as in Kafka 4.1's message specs.
// v0 (dropped by Kafka 4.x, still used by older clients) follow the Kafka 3.9 specs.
export const { request: WriteTxnMarkersRequest, response: WriteTxnMarkersResponse } = defineApiMessages({
  apiKey: 27,
  name: 'WriteTxnMarkers',
  validVersions: '0-1',
  flexibleVersions: '1+',
  request: [
    {
      name: 'markers',
      type: '[]WritableTxnMarker',
      versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'producerEpoch', type: 'int16', versions: '0+' },
        { name: 'transactionResult', type: 'bool', versions: '0+' },
        {
          name: 'topics',
          type: '[]WritableTxnMarkerTopic',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
          ],
        },
        { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
      ],
    },
  ],
  response: [
    {
      name: 'markers',
      type: '[]WritableTxnMarkerResult',
      versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
        {
          name: 'topics',
          type: '[]WritableTxnMarkerTopicResult',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            {
              name: 'partitions',
              type: '[]WritableTxnMarkerPartitionResult',
              versions: '0+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
  ],
})
