import { defineApiMessages } from '../schema'

// AddOffsetsToTxn (key 25): fields per version as in Kafka 4.1's message specs.
export const { request: AddOffsetsToTxnRequest, response: AddOffsetsToTxnResponse } = defineApiMessages({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  validVersions: '0-4',
  flexibleVersions: '3+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'groupId', type: 'string', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
})
