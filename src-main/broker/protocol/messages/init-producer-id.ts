import { defineApiMessages } from '../schema'

// InitProducerId (key 22): fields per version as in Kafka 4.1's message specs.
export const { request: InitProducerIdRequest, response: InitProducerIdResponse } = defineApiMessages({
  apiKey: 22,
  name: 'InitProducerId',
  validVersions: '0-6',
  flexibleVersions: '2+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
    { name: 'enable2Pc', type: 'bool', versions: '6+', default: false },
    { name: 'keepPreparedTxn', type: 'bool', versions: '6+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'ongoingTxnProducerId', type: 'int64', versions: '6+', default: -1 },
    { name: 'ongoingTxnProducerEpoch', type: 'int16', versions: '6+', default: -1 },
  ],
})
