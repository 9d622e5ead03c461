// The embedded cluster in an Electron utility process: the console's EmbeddedService (whole
// cluster and per-broker start/stop/kill, client activity) runs here, so brokers never share
// the main process's event loop. The main process calls it over the parent port:
//   main → here   {id, method, args}
//   here → main   {id, ok, result | error}   {event, payload}   {ready: status} | {failed: message}
// Clients reach the brokers over TCP like any other cluster.
import type {} from 'electron'
import { EmbeddedService } from './console/embedded'
import { toErrorShape, type EventName } from './ipc/contract'

export const CLUSTER_METHODS = ['status', 'start', 'stop', 'stopBroker', 'killBroker', 'startBroker', 'setFaults', 'activity'] as const
export type ClusterMethod = (typeof CLUSTER_METHODS)[number]

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback
}

const parent = process.parentPort
const dataDir = arg('data-dir', '')
const brokers = Number(arg('brokers', '3'))
const port = Number(arg('port', '0'))

if (!parent || !dataDir) {
  process.stderr.write('cluster-process: run me with utilityProcess.fork(…, ["--data-dir", DIR])\n')
  process.exit(2)
}

const service = new EmbeddedService({
  dataDir,
  brokers,
  port,
  log: (line) => process.stderr.write(`${line}\n`),
  broadcast: { emit: (event: EventName, payload: unknown) => parent.postMessage({ event, payload }) },
})

parent.on('message', ({ data }: { data: { id?: unknown; method?: unknown; args?: unknown } }) => {
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

service.start(brokers).then(
  (status) => parent.postMessage({ ready: status }),
  (e: Error) => {
    parent.postMessage({ failed: e.message })
    setTimeout(() => process.exit(1), 50)
  },
)
