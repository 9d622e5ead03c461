import { defineApiMessages } from '../schema'

// AlterClientQuotas (key 49, KIP-546): fields as in Kafka 4.1's message specs. Each entry names
// one entity (null entityName = the default entity) and sets or removes quota keys on it.
export const { request: AlterClientQuotasRequest, response: AlterClientQuotasResponse } = defineApiMessages({
  apiKey: 49,
  name: 'AlterClientQuotas',
  validVersions: '0-1',
  flexibleVersions: '1+',
  request: [
    {
      name: 'entries',
      type: '[]EntryData',
      versions: '0+',
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
          name: 'ops',
          type: '[]OpData',
          versions: '0+',
          fields: [
            { name: 'key', type: 'string', versions: '0+' },
            { name: 'value', type: 'float64', versions: '0+' },
            { name: 'remove', type: 'bool', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'entries',
      type: '[]EntryData',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        {
          name: 'entity',
          type: '[]EntityData',
          versions: '0+',
          fields: [
            { name: 'entityType', type: 'string', versions: '0+' },
            { name: 'entityName', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
})
