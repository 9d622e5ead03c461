import { defineApiMessages } from '../schema'

// CreateAcls (key 30): fields per version as in Kafka 4.1's message specs.
// v0 (dropped by Kafka 4.x, still sent by older clients such as kafkajs) follows the Kafka 3.9 specs.
export const { request: CreateAclsRequest, response: CreateAclsResponse } = defineApiMessages({
  apiKey: 30,
  name: 'CreateAcls',
  validVersions: '0-3',
  flexibleVersions: '2+',
  request: [
    {
      name: 'creations',
      type: '[]AclCreation',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'resourcePatternType', type: 'int8', versions: '1+', default: 3 },
        { name: 'principal', type: 'string', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'operation', type: 'int8', versions: '0+' },
        { name: 'permissionType', type: 'int8', versions: '0+' },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]AclCreationResult',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
})
