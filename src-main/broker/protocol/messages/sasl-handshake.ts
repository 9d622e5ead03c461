import { defineApiMessages } from '../schema'

// SaslHandshake (key 17): fields per version as in Kafka 4.1's message specs.
export const { request: SaslHandshakeRequest, response: SaslHandshakeResponse } = defineApiMessages({
  apiKey: 17,
  name: 'SaslHandshake',
  validVersions: '0-1',
  flexibleVersions: 'none',
  request: [{ name: 'mechanism', type: 'string', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: '[]string', versions: '0+' },
  ],
})
