import { defineApiMessages } from '../schema'

// SaslAuthenticate (key 36): fields per version as in Kafka 4.1's message specs.
export const { request: SaslAuthenticateRequest, response: SaslAuthenticateResponse } = defineApiMessages({
  apiKey: 36,
  name: 'SaslAuthenticate',
  validVersions: '0-2',
  flexibleVersions: '2+',
  request: [{ name: 'authBytes', type: 'bytes', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0 },
  ],
})
