// The embedded cluster in an Electron utility process: the console's EmbeddedService (whole
// cluster and per-broker start/stop/kill, client activity) runs here: the supervisor and its
// controller, as in `kafkadesk cluster`, so they never share the main process's event loop.
// The main process calls it over the parent port:
//   main → here   {id, method, args}   {broker: …} (relayed broker processes, console/embedded-spawner.ts)
//   here → main   {id, ok, result | error}   {event, payload}   {ready: status} | {failed: message}   {broker: …}
// Each broker is its own process: in Electron a utility process the main process starts for us
// (running this same entry with `broker-process ARGS`); elsewhere (tests, plain node) a fork of
// the bundled CLI. Clients reach the brokers over TCP like any other cluster.
// `--secure` starts it as `kafkadesk cluster --secure` (the card's "Secured" option); the
// service reports each listener's bootstrap, the CA and the client settings in its status.
import type {} from 'electron'
import { EmbeddedService } from './console/embedded'
import { relaySpawner } from './console/embedded-spawner'
import { brokerProcess } from './broker/process/broker-main'
import { toErrorShape, type EventName } from './ipc/contract'

export const CLUSTER_METHODS = [
  'status',
  'start',
  'stop',
  'stopBroker',
  'killBroker',
  'startBroker',
  'isolateBroker',
  'setFaults',
  'activity',
  'cleaner',
] as const
export type ClusterMethod = (typeof CLUSTER_METHODS)[number]

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}

const brokerAt = process.argv.indexOf('broker-process')
if (brokerAt >= 0) await brokerProcess(process.argv.slice(brokerAt + 1))
else hostCluster()

type ParentPort = { postMessage(message: unknown): void; on(event: 'message', listener: (e: { data: unknown }) => void): unknown }

/** Electron's parent port, or node's IPC channel behind the same surface when forked with child_process (tests, plain node). */
function parentPort(): ParentPort | undefined {
  if (process.parentPort) return process.parentPort
  const send = process.send?.bind(process)
  if (!send) return undefined
  return {
    postMessage: (m: unknown) => void (process.connected && send(m as object)),
    on: (_, listener) => process.on('message', (data) => listener({ data })),
  }
}

function hostCluster(): void {
  const parent = parentPort()
  const dataDir = arg('data-dir', '')
  const brokers = Number(arg('brokers', '3'))
  const port = Number(arg('port', '0'))
  const secure = process.argv.includes('--secure')

  if (!parent || !dataDir) {
    process.stderr.write('cluster-process: run me with utilityProcess.fork(…, ["--data-dir", DIR]) or child_process.fork\n')
    process.exit(2)
  }

  // Only Electron's main process can start utility processes: it starts the brokers for us.
  const relay = process.versions.electron ? relaySpawner(parent) : undefined

  const service = new EmbeddedService({
    dataDir,
    brokers,
    port,
    log: (line) => process.stderr.write(`${line}\n`),
    broadcast: { emit: (event: EventName, payload: unknown) => parent.postMessage({ event, payload }) },
    spawner: relay?.spawner,
  })

  parent.on('message', (e) => {
    const data = e.data as { id?: unknown; method?: unknown; args?: unknown; broker?: unknown } | undefined
    if (data?.broker && relay) return relay.receive(data.broker as Parameters<typeof relay.receive>[0])
    const { id, method, args } = data ?? {}
    if (typeof id !== 'number') return
    if (typeof method !== 'string' || !(CLUSTER_METHODS as readonly string[]).includes(method)) {
      parent.postMessage({ id, ok: false, error: { code: 'INTERNAL', message: `cluster process: no method ${String(method)}` } })
      return
    }
    const fn = service[method as ClusterMethod] as (...a: unknown[]) => unknown
    Promise.resolve()
      .then(() => fn.apply(service, Array.isArray(args) ? args : []))
      .then(
        (result) => parent.postMessage({ id, ok: true, result }),
        (e: unknown) => parent.postMessage({ id, ok: false, error: toErrorShape(e) }),
      )
  })

  let stopping = false
  const shutdown = async () => {
    if (stopping) return
    stopping = true
    await service.shutdown().catch(() => {})
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown())
  process.on('SIGINT', () => void shutdown())
  // Forked by node: its parent gone, nobody can stop the brokers but us.
  if (!process.parentPort) process.once('disconnect', () => void shutdown())

  service.start(brokers, { secure }).then(
    (status) => parent.postMessage({ ready: status }),
    (e: Error) => {
      parent.postMessage({ failed: e.message })
      setTimeout(() => process.exit(1), 50)
    },
  )
}
