import { defineApiMessages } from '../schema'

// ListTransactions (key 66): fields per version as in Kafka 4.1's message specs.
export const { request: ListTransactionsRequest, response: ListTransactionsResponse } = defineApiMessages({
  apiKey: 66,
  name: 'ListTransactions',
  validVersions: '0-2',
  flexibleVersions: '0+',
  request: [
    { name: 'stateFilters', type: '[]string', versions: '0+' },
    { name: 'producerIdFilters', type: '[]int64', versions: '0+' },
    { name: 'durationFilter', type: 'int64', versions: '1+', default: -1 },
    { name: 'transactionalIdPattern', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'unknownStateFilters', type: '[]string', versions: '0+' },
    {
      name: 'transactionStates',
      type: '[]TransactionState',
      versions: '0+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '0+' },
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'transactionState', type: 'string', versions: '0+' },
      ],
    },
  ],
})
