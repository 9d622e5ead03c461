import type { MessageSpec } from '../schema'

// SaslAuthenticate (key 36): fields per version as in Kafka 4.1's message specs.
export const SaslAuthenticateRequest: MessageSpec = {
  apiKey: 36,
  type: 'request',
  name: 'SaslAuthenticateRequest',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'authBytes', type: 'bytes', versions: '0+' },
  ],
}

export const SaslAuthenticateResponse: MessageSpec = {
  apiKey: 36,
  type: 'response',
  name: 'SaslAuthenticateResponse',
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0 },
  ],
}
