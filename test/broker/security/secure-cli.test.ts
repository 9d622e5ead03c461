// `kafkadesk cluster --secure`: a local CA, broker certificate and user admin are made on first
// use and kept in the data dir; the printed client settings work as printed (librdkafka over
// SASL_SSL with PLAIN, kafkajs with SCRAM-SHA-256, TLS verified against the printed CA), and a
// restart reuses the same CA and password.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnReady } from '../../helpers/ready-process'
import { kcat, repoRoot } from '../../interop/target'

const dir = mkdtempSync(join(tmpdir(), 'kafkadesk-secure-cli-'))
const cli = join(repoRoot, 'out', 'cli', 'kafkadesk.js')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function startSecure() {
  const p = await spawnReady(process.execPath, [cli, 'cluster', '--secure', '--brokers', '2', '--port', '0', '--data-dir', join(dir, 'data')], {
    label: 'kafkadesk cluster --secure',
    timeoutMs: 60_000,
    cwd: repoRoot,
  })
  const text = p.stderr()
  const setting = (re: RegExp) => {
    const m = re.exec(text)
    if (!m) throw new Error(`not printed (${re}):\n${text.slice(-3000)}`)
    return m[1]!
  }
  return {
    p,
    saslSsl: setting(/^\s+SASL_SSL\s+(\S+)$/m),
    ca: setting(/^CA certificate: (\S+)$/m),
    password: setting(/^\s+sasl\.password=(\S+)$/m),
  }
}

describe('kafkadesk cluster --secure', () => {
  it('prints client settings that work, and keeps its CA and password across restarts', async () => {
    const first = await startSecure()
    try {
      expect(first.ca).toBe(join(dir, 'data', 'secrets', 'ca.crt'))
      expect(first.saslSsl.split(',')).toHaveLength(2)
      const r = await kcat(
        [
          '-b',
          first.saslSsl,
          '-X',
          'security.protocol=SASL_SSL',
          '-X',
          `ssl.ca.location=${first.ca}`,
          '-X',
          'sasl.mechanisms=PLAIN',
          '-X',
          'sasl.username=admin',
          '-X',
          `sasl.password=${first.password}`,
          '-L',
          '-J',
        ],
        { timeoutMs: 20_000 },
      )
      const md = JSON.parse(r.stdout) as { brokers: { name: string }[] }
      expect(md.brokers.map((b) => b.name).sort()).toEqual(first.saslSsl.split(',').sort())
      const admin = new Kafka({
        brokers: first.saslSsl.split(','),
        ssl: { ca: [readFileSync(first.ca, 'utf8')] },
        sasl: { mechanism: 'scram-sha-256', username: 'admin', password: first.password },
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      }).admin()
      await admin.connect()
      await admin.createTopics({ topics: [{ topic: 'secure-cli', numPartitions: 2, replicationFactor: 2 }], waitForLeaders: true })
      expect(await admin.listTopics()).toContain('secure-cli')
      await admin.disconnect()
    } finally {
      await first.p.stop()
    }
    const caBefore = readFileSync(first.ca, 'utf8')
    const second = await startSecure()
    try {
      expect(second.password).toBe(first.password)
      expect(readFileSync(second.ca, 'utf8')).toBe(caBefore)
      expect(existsSync(join(dir, 'data', 'secrets', 'ca.key'))).toBe(true)
    } finally {
      await second.p.stop()
    }
  })
})
