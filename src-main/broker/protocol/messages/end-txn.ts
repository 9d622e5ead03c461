import { defineApiMessages } from '../schema'

// EndTxn (key 26): fields per version as in Kafka 4.1's message specs.
export const { request: EndTxnRequest, response: EndTxnResponse } = defineApiMessages({
  apiKey: 26,
  name: 'EndTxn',
  validVersions: '0-5',
  flexibleVersions: '3+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'committed', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '5+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '5+', default: -1 },
  ],
})
