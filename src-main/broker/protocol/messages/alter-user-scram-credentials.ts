import { defineApiMessages } from '../schema'

// AlterUserScramCredentials (key 51): fields as in Kafka 4.1's message specs.
export const { request: AlterUserScramCredentialsRequest, response: AlterUserScramCredentialsResponse } = defineApiMessages({
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  validVersions: '0',
  flexibleVersions: '0+',
  request: [
    {
      name: 'deletions',
      type: '[]ScramCredentialDeletion',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'mechanism', type: 'int8', versions: '0+' },
      ],
    },
    {
      name: 'upsertions',
      type: '[]ScramCredentialUpsertion',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'mechanism', type: 'int8', versions: '0+' },
        { name: 'iterations', type: 'int32', versions: '0+' },
        { name: 'salt', type: 'bytes', versions: '0+' },
        { name: 'saltedPassword', type: 'bytes', versions: '0+' },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]AlterUserScramCredentialsResult',
      versions: '0+',
      fields: [
        { name: 'user', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
})
