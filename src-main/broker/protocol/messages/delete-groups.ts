import type { MessageSpec } from '../schema'

// DeleteGroups (key 42): fields per version as in Kafka 4.1's message specs.
export const DeleteGroupsRequest: MessageSpec = {
  apiKey: 42,
  type: 'request',
  name: 'DeleteGroupsRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'groupsNames', type: '[]string', versions: '0+' },
  ],
}

export const DeleteGroupsResponse: MessageSpec = {
  apiKey: 42,
  type: 'response',
  name: 'DeleteGroupsResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
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
}
