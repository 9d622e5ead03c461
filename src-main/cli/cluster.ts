// `kafkadesk cluster`: the embedded cluster in the foreground, one OS process per broker under a
// supervisor (src-main/broker/process/supervisor.ts). Kept apart from the rest of the CLI so the
// CLI's launcher (launch.ts) loads only this for `cluster`: the console and its libraries
// (kafkajs, zod, protobufjs, ws) took a third of a second to load before any broker was forked.
import { parseArgs } from 'node:util'
import { join, resolve } from 'node:path'
import { ProcessCluster } from '../broker/process/supervisor'
import { userDataDir } from './data-dir'
import { readFileSync } from 'node:fs'
import { parseProperties } from '../broker/server/properties'
import { adminScramCommands, clientSettings, secureClusterConfigs, type SecureCluster } from '../broker/security/secure-cluster'

export const clusterUsage = `  cluster   run the embedded Kafka cluster in the foreground
            --brokers N        number of brokers (default 1)
            --port P           first broker's port, 0 for free ports (default 9092)
            --data-dir DIR     where logs and metadata live (default: the user's data directory)
            --config K=V       a broker config with Kafka's name (repeatable)
            --config FILE      a server.properties file (its listeners win over --port)
            --secure           SSL, SASL_PLAINTEXT and SASL_SSL listeners beside PLAINTEXT, with a
                               local CA and user admin made on first use (kept in the data dir)
`

export async function clusterCommand(args: string[], fail: (message: string) => never): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      brokers: { type: 'string', default: '1' },
      port: { type: 'string', default: '9092' },
      'data-dir': { type: 'string' },
      config: { type: 'string', multiple: true, default: [] },
      secure: { type: 'boolean', default: false },
    },
    strict: true,
  })
  const brokers = Number(values.brokers)
  const port = Number(values.port)
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 32) fail(`--brokers must be an integer from 1 to 32, got ${values.brokers}`)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got ${values.port}`)
  const configs: Record<string, string> = {}
  for (const kv of values.config ?? []) {
    const eq = kv.indexOf('=')
    if (eq <= 0) {
      // Not key=value: a server.properties file.
      let text: string
      try {
        text = readFileSync(kv, 'utf8')
      } catch (e) {
        fail(`--config expects key=value or a readable properties file, got ${kv} (${(e as NodeJS.ErrnoException).code ?? e})`)
      }
      Object.assign(configs, parseProperties(text))
      continue
    }
    configs[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  const dataDir = resolve(values['data-dir'] ?? join(userDataDir(), 'cluster'))
  let secure: SecureCluster | undefined
  if (values.secure) {
    try {
      secure = secureClusterConfigs(dataDir, port)
    } catch (e) {
      fail((e as Error).message)
    }
    // What the user gave wins over the --secure defaults.
    for (const [k, v] of Object.entries(secure.configs)) if (!(k in configs)) configs[k] = v
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
  let c: ProcessCluster
  try {
    c = new ProcessCluster({ brokers, port, dataDir, configs, log })
    if (secure) {
      for (const cmd of adminScramCommands(c.controller.image.security, secure.password)) c.controller.execute(cmd)
    }
    await c.start()
  } catch (e) {
    log(`failed to start: ${(e as Error).message}`)
    process.exit(1)
  }
  // stdout keeps its one ready line (tests and scripts parse it); the brokers' PIDs go to stderr.
  for (const b of c.brokers) log(`broker ${b.nodeId} pid ${b.pid} listening on ${b.host}:${b.port}`)
  if (secure) {
    // Every listener's bootstrap, from the endpoints the brokers registered.
    const byListener: Record<string, string[]> = {}
    for (const b of c.brokers) {
      for (const l of c.controller.image.registrations.get(b.nodeId)?.listeners ?? []) (byListener[l.name] ??= []).push(`${l.host}:${l.port}`)
    }
    const bootstraps = Object.fromEntries(Object.entries(byListener).map(([k, v]) => [k, v.join(',')]))
    log(`\n${clientSettings(bootstraps, secure.certificates.caCert, secure.password)}`)
  }
  process.stdout.write(`ready bootstrap=${c.bootstrap()}\n`)
  log(`data in ${dataDir}`)
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping`)
    await c.stop()
    log('stopped, logs flushed')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}
