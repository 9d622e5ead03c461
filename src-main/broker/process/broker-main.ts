// The body of one broker process (`kafkadesk broker-process …`, started by the supervisor):
// a Broker whose metadata view follows the controller over controller-client.ts. It talks to
// its supervisor over the fork channel: it says ready with its port and pid, pushes its client
// activity, and obeys stop (controlled shutdown), faults and isolate (the network-partition fault).
import { parseArgs } from 'node:util'
import { Broker } from '../broker'
import { ReplicationCut, validateFaults, type Faults } from '../server/faults'
import type { ApiDefinition } from '../apis/registry'
import type { ApiRequest } from '../protocol/api'
import { setQuorumSource } from './quorum-info'
import { ControllerClient } from './controller-client'
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../controller/quorum-controller'

interface ParentLink {
  send(msg: unknown): void
  on(fn: (msg: Record<string, unknown>) => void): void
}

function parentLink(): ParentLink {
  const pp = (
    process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: 'message', fn: (ev: { data: Record<string, unknown> }) => void): void } }
  ).parentPort
  if (pp) return { send: (m) => pp.postMessage(m), on: (fn) => pp.on('message', (ev) => fn(ev.data)) }
  return { send: (m) => process.send?.(m as object), on: (fn) => process.on('message', (m) => fn(m as Record<string, unknown>)) }
}

const FETCH = 1

/** Wraps the broker's Fetch so follower fetches across a network-partition fault fail as an unreachable peer would: the connection closes. */
function refuseCutFetches(apis: Map<number, ApiDefinition>): ReplicationCut {
  const cut = new ReplicationCut()
  const fetch = apis.get(FETCH)!
  apis.set(FETCH, {
    ...fetch,
    handle(req, ctx) {
      // The connection decoded req with Fetch's codec.
      if (!cut.refuses(req as ApiRequest<typeof FETCH>)) return fetch.handle(req, ctx)
      const e = new Error('network partition (kafkadesk broker isolate): follower fetch refused')
      e.stack = e.message
      return Promise.reject(e)
    },
  })
  return cut
}

export async function brokerProcess(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'node-id': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'log-dir': { type: 'string' },
      controller: { type: 'string' },
      config: { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  })
  const nodeId = Number(values['node-id'])
  const [chost, cport] = (values.controller ?? '').split(':')
  const configs: Record<string, string> = {}
  for (const kv of values.config ?? []) configs[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1)
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
  const parent = parentLink()
  const client = new ControllerClient(chost!, Number(cport))
  const view = await client.connect()
  view.registration = { pid: process.pid, session: true }
  const broker = new Broker({ nodeId, host: values.host!, port: Number(values.port), logDir: values['log-dir']!, metadata: view, staticConfigs: configs, log })
  setQuorumSource(view, () => client.describeQuorum())
  const cut = refuseCutFetches(broker.apis)
  await broker.start()
  const epoch = view.registrations.get(nodeId)!.epoch
  const interval = Number(configs['broker.heartbeat.interval.ms'] ?? DEFAULT_HEARTBEAT_INTERVAL_MS)
  client.startSession(nodeId, epoch, interval)
  // Fenced while cut off (or after a stall): register again, as a KRaft broker heartbeats its way back to unfenced.
  client.onSessionLost = (error) => {
    log(`[broker ${nodeId}] controller refused a heartbeat (${error}): registering again`)
    try {
      const again = view.registerBroker(broker.endpoint())
      client.startSession(nodeId, again, interval)
    } catch (e) {
      log(`[broker ${nodeId}] registration failed: ${(e as Error).message}`)
    }
  }
  parent.send({ t: 'ready', port: broker.port, pid: process.pid })
  // The worker for synchronous admin writes boots after ready, off the start's critical path.
  setImmediate(() => client.warm())

  const sendActivity = () => parent.send({ t: 'activity', list: [...broker.activity.values()] })
  const activity = setInterval(sendActivity, 1000)
  activity.unref()
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    clearInterval(activity)
    await broker.stop()
    client.close()
    process.exit(0)
  }
  parent.on((m) => {
    if (m.t === 'stop') void stop()
    else if (m.t === 'activity') sendActivity()
    else if (m.t === 'cleaner' && typeof m.id === 'number' && typeof m.topic === 'string') {
      // The log cleaner's state of a topic's partitions here (Kafka shows it only through JMX).
      const topic = m.topic
      const partitions = broker.cleaner.partitionStates(topic).map((p) => ({ ...p, leader: broker.isLeader(topic, p.partition) }))
      parent.send({ t: 'cleaner', id: m.id, partitions })
    } else if (m.t === 'faults') {
      try {
        const next = { ...broker.faults, ...(m.faults as Partial<Faults>) }
        validateFaults(next)
        parent.send({ t: 'faults', faults: broker.setFaults(next) })
      } catch (e) {
        log(`[broker ${nodeId}] bad faults: ${(e as Error).message}`)
      }
    } else if (m.t === 'isolate') {
      client.isolated = m.on === true
      cut.isolate(client.isolated)
      log(`[broker ${nodeId}] ${client.isolated ? 'cut off from the controller and its peers' : 'reconnected to the controller and its peers'}`)
    } else if (m.t === 'cut' && typeof m.peer === 'number') {
      cut.cut(m.peer, m.on === true)
      log(`[broker ${nodeId}] ${m.on === true ? 'cut off from' : 'reconnected to'} broker ${m.peer}`)
    }
  })
  process.on('SIGTERM', () => void stop())
  // The supervisor's Ctrl-C reaches the whole process group: the supervisor stops us in order.
  process.on('SIGINT', () => {})
  // The supervisor died (kill -9 of `kafkadesk cluster`): the whole cluster crashed, so this
  // broker goes at once, as a crash would, rather than outlive it on a data dir a new cluster may open.
  process.on('disconnect', () => process.exit(1))
}
