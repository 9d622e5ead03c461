import type { MessageSpec } from '../schema'

// SaslHandshake (key 17): fields per version as in Kafka 4.1's message specs.
export const SaslHandshakeRequest: MessageSpec = {
  apiKey: 17,
  type: 'request',
  name: 'SaslHandshakeRequest',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'mechanism', type: 'string', versions: '0+' },
  ],
}

export const SaslHandshakeResponse: MessageSpec = {
  apiKey: 17,
  type: 'response',
  name: 'SaslHandshakeResponse',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: '[]string', versions: '0+' },
  ],
}
