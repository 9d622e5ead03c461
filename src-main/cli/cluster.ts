// `kafkadesk cluster`: the embedded cluster in the foreground, one OS process per broker under a
// supervisor (src-main/broker/process/supervisor.ts). Kept apart from the rest of the CLI so the
// CLI's launcher (launch.ts) loads only this for `cluster`: the console and its libraries
// (kafkajs, zod, protobufjs, ws) took a third of a second to load before any broker was forked.
import { parseArgs } from 'node:util'
import { join, resolve } from 'node:path'
import { ProcessCluster } from '../broker/process/supervisor'
import { userDataDir } from './data-dir'

export const clusterUsage = `  cluster   run the embedded Kafka cluster in the foreground
            --brokers N        number of brokers (default 1)
            --port P           first broker's port, 0 for free ports (default 9092)
            --data-dir DIR     where logs and metadata live (default: the user's data directory)
            --config K=V       a broker config with Kafka's name (repeatable)
`

export async function clusterCommand(args: string[], fail: (message: string) => never): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      brokers: { type: 'string', default: '1' },
      port: { type: 'string', default: '9092' },
      'data-dir': { type: 'string' },
      config: { type: 'string', multiple: true, default: [] },
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
    if (eq <= 0) fail(`--config expects key=value, got ${kv}`)
    configs[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  const dataDir = resolve(values['data-dir'] ?? join(userDataDir(), 'cluster'))
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
  let c: ProcessCluster
  try {
    c = new ProcessCluster({ brokers, port, dataDir, configs, log })
    await c.start()
  } catch (e) {
    log(`failed to start: ${(e as Error).message}`)
    process.exit(1)
  }
  // stdout keeps its one ready line (tests and scripts parse it); the brokers' PIDs go to stderr.
  for (const b of c.brokers) log(`broker ${b.nodeId} pid ${b.pid} listening on ${b.host}:${b.port}`)
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
