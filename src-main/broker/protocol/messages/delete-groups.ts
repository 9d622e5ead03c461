import { defineApiMessages } from '../schema'

// DeleteGroups (key 42): fields per version as in Kafka 4.1's message specs.
export const { request: DeleteGroupsRequest, response: DeleteGroupsResponse } = defineApiMessages({
  apiKey: 42,
  name: 'DeleteGroups',
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: [{ name: 'groupsNames', type: '[]string', versions: '0+' }],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]DeletableGroupResult',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
})
