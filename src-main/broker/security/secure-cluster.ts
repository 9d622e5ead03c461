// `kafkadesk cluster --secure`: a cluster secured the way production clusters usually are, on
// localhost. Four listeners (PLAINTEXT for the brokers themselves, SSL, SASL_PLAINTEXT, SASL_SSL),
// a local CA and broker certificate (certificates.ts), SASL PLAIN and SCRAM-SHA-256/512 with one
// user `admin` whose password is made on first use and kept in the data dir, and the settings a
// client needs printed for Java, librdkafka and kafkajs.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureLocalCertificates, type LocalCertificates } from './certificates'
import { saltedPassword, SCRAM_MECHANISM_IDS, SCRAM_MIN_ITERATIONS, type ScramMechanism } from './scram'
import type { SecurityCommand } from './security-commands'
import type { SecurityImage } from './security-image'

export const SECURE_USER = 'admin'

/** Port offsets of the secure listeners from the first broker's --port (broker N adds N - 1). */
const OFFSETS = { PLAINTEXT: 0, SSL: 100, SASL_PLAINTEXT: 200, SASL_SSL: 300 } as const

export interface SecureCluster {
  configs: Record<string, string>
  certificates: LocalCertificates
  password: string
}

export function secureClusterConfigs(dataDir: string, port: number, host = '127.0.0.1'): SecureCluster {
  const certificates = ensureLocalCertificates(join(dataDir, 'secrets'))
  const pwFile = join(certificates.dir, `${SECURE_USER}.password`)
  if (!existsSync(pwFile)) writeFileSync(pwFile, randomBytes(12).toString('base64url') + '\n', { mode: 0o600 })
  const password = readFileSync(pwFile, 'utf8').trim()
  const at = (off: number) => (port === 0 ? 0 : port + off)
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${SECURE_USER}" password="${password}" user_${SECURE_USER}="${password}";`
  const configs: Record<string, string> = {
    listeners: Object.entries(OFFSETS)
      .map(([name, off]) => `${name}://${host}:${at(off)}`)
      .join(','),
    'inter.broker.listener.name': 'PLAINTEXT',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.certificate.chain': readFileSync(certificates.brokerCert, 'utf8'),
    'ssl.keystore.key': readFileSync(certificates.brokerKey, 'utf8'),
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': certificates.caCert,
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': jaas,
    'listener.name.sasl_ssl.plain.sasl.jaas.config': jaas,
  }
  return { configs, certificates, password }
}

/**
 * AlterUserScramCredentials for `admin` (SCRAM-SHA-256 and -512), unless it has those credentials
 * already: one command per mechanism, as a request may name a user only once.
 */
export function adminScramCommands(image: SecurityImage, password: string): SecurityCommand[] {
  const upsertions = (['SCRAM-SHA-256', 'SCRAM-SHA-512'] as ScramMechanism[])
    .filter((m) => !image.scram.get(SECURE_USER)?.has(SCRAM_MECHANISM_IDS[m]))
    .map((m) => {
      const salt = randomBytes(32)
      return {
        name: SECURE_USER,
        mechanism: SCRAM_MECHANISM_IDS[m],
        iterations: SCRAM_MIN_ITERATIONS,
        salt: salt.toString('base64'),
        saltedPassword: saltedPassword(m, password, salt, SCRAM_MIN_ITERATIONS).toString('base64'),
      }
    })
  return upsertions.map((u) => ({ op: 'alterScram', deletions: [], upsertions: [u] }))
}

/** What `kafkadesk cluster --secure` prints: each listener's bootstrap and the client settings. */
export function clientSettings(bootstraps: Record<string, string>, caPath: string, password: string): string {
  const b = (n: string) => bootstraps[n] ?? '?'
  return `secure listeners (user ${SECURE_USER}, password in the data dir's secrets/${SECURE_USER}.password):
  PLAINTEXT       ${b('PLAINTEXT')}
  SSL             ${b('SSL')}
  SASL_PLAINTEXT  ${b('SASL_PLAINTEXT')}
  SASL_SSL        ${b('SASL_SSL')}
CA certificate: ${caPath}

Java (client.properties), SASL_SSL with SCRAM:
  bootstrap.servers=${b('SASL_SSL')}
  security.protocol=SASL_SSL
  sasl.mechanism=SCRAM-SHA-256
  sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${SECURE_USER}" password="${password}";
  ssl.truststore.type=PEM
  ssl.truststore.location=${caPath}

librdkafka (kcat -F, confluent-kafka):
  bootstrap.servers=${b('SASL_SSL')}
  security.protocol=SASL_SSL
  sasl.mechanisms=SCRAM-SHA-256
  sasl.username=${SECURE_USER}
  sasl.password=${password}
  ssl.ca.location=${caPath}

kafkajs:
  new Kafka({ brokers: ${JSON.stringify(b('SASL_SSL').split(','))}, ssl: { ca: [fs.readFileSync(${JSON.stringify(caPath)}, 'utf8')] },
              sasl: { mechanism: 'scram-sha-256', username: '${SECURE_USER}', password: '${password}' } })
`
}
