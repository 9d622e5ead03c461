import { defineApiMessages } from '../schema'

// DescribeClientQuotas (key 48, KIP-546): fields as in Kafka 4.1's message specs. A component's
// matchType is 0 (exact name), 1 (the default entity) or 2 (any entity of that type); an entity
// name of null in a response is the default entity (`<default>` in kafka-configs).
export const { request: DescribeClientQuotasRequest, response: DescribeClientQuotasResponse } = defineApiMessages({
  apiKey: 48,
  name: 'DescribeClientQuotas',
  validVersions: '0-1',
  flexibleVersions: '1+',
  request: [
    {
      name: 'components',
      type: '[]ComponentData',
      versions: '0+',
      fields: [
        { name: 'entityType', type: 'string', versions: '0+' },
        { name: 'matchType', type: 'int8', versions: '0+' },
        { name: 'match', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'strict', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'entries',
      type: '[]EntryData',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        {
          name: 'entity',
          type: '[]EntityData',
          versions: '0+',
          fields: [
            { name: 'entityType', type: 'string', versions: '0+' },
            { name: 'entityName', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
        {
          name: 'values',
          type: '[]ValueData',
          versions: '0+',
          fields: [
            { name: 'key', type: 'string', versions: '0+' },
            { name: 'value', type: 'float64', versions: '0+' },
          ],
        },
      ],
    },
  ],
})
