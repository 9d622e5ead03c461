// Kafka's listener configs and server.properties as the embedded broker reads them.
import { describe, expect, it } from 'vitest'
import { interBrokerListenerName, listenerSpecs, ListenerConfigError } from '../../../src-main/broker/server/listeners'
import { parseProperties } from '../../../src-main/broker/server/properties'

describe('listeners', () => {
  it('opens one PLAINTEXT listener on --port when listeners is not set', () => {
    expect(listenerSpecs({ configs: {}, host: '127.0.0.1', port: 9092, portOffset: 0 })).toEqual([
      { name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9092, advertisedHost: '127.0.0.1', advertisedPort: 9092 },
    ])
  })

  it('maps names to protocols, skips controller listeners, offsets ports per broker and takes advertised addresses', () => {
    const configs = {
      listeners: 'INTERNAL://:9092,EXTERNAL://0.0.0.0:9093,CONTROLLER://:9094',
      'advertised.listeners': 'INTERNAL://kafka-1:9092,EXTERNAL://broker.example.com:19093',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT',
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'INTERNAL',
    }
    const specs = listenerSpecs({ configs, host: '127.0.0.1', port: 0, portOffset: 2 })
    expect(specs).toEqual([
      { name: 'INTERNAL', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9094, advertisedHost: 'kafka-1', advertisedPort: 9094 },
      { name: 'EXTERNAL', securityProtocol: 'SASL_SSL', host: '127.0.0.1', port: 9095, advertisedHost: 'broker.example.com', advertisedPort: 19095 },
    ])
    expect(interBrokerListenerName(configs, specs)).toBe('INTERNAL')
  })

  it('refuses what Kafka refuses', () => {
    const at = (configs: Record<string, string>) => () => listenerSpecs({ configs, host: '127.0.0.1', port: 0, portOffset: 0 })
    expect(at({ listeners: 'FOO://:9092' })).toThrow(ListenerConfigError)
    expect(at({ listeners: 'PLAINTEXT://:9092,PLAINTEXT://:9093' })).toThrow(/different name/)
    expect(at({ listeners: 'PLAINTEXT:9092' })).toThrow(/NAME:\/\/host:port/)
    const specs = listenerSpecs({ configs: { listeners: 'SSL://:9093' }, host: 'h', port: 0, portOffset: 0 })
    expect(() => interBrokerListenerName({ 'inter.broker.listener.name': 'PLAINTEXT' }, specs)).toThrow(/must be one of the listeners/)
  })
})

describe('server.properties', () => {
  it('reads comments, separators, continuations and escapes as Java does', () => {
    const text = [
      '# a comment',
      '! another',
      'listeners=PLAINTEXT://:9092,\\',
      '    SSL://:9093',
      'sasl.enabled.mechanisms : PLAIN',
      'super.users User:admin',
      'ssl.keystore.key=-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
      'empty=',
    ].join('\n')
    expect(parseProperties(text)).toEqual({
      listeners: 'PLAINTEXT://:9092,SSL://:9093',
      'sasl.enabled.mechanisms': 'PLAIN',
      'super.users': 'User:admin',
      'ssl.keystore.key': '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
      empty: '',
    })
  })
})
