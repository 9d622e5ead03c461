// `kafkadesk cluster --brokers N`: one OS process per broker, supervised from here. The
// controller lives in this supervisor process rather than its own: the supervisor already
// outlives every broker and sees a child die the moment it does (the exit event), so fencing
// and a new leader follow a kill -9 at once, without a heartbeat round trip or a further
// process to start and watch. Nothing is restarted on its own: a killed broker stays down
// until started.
import { join } from 'node:path'
import { noFaults, validateFaults, type Faults } from '../server/faults'
import type { ClientActivity } from '../broker'
import { QuorumController } from '../controller/quorum-controller'
import { ControllerServer } from './controller-server'
import { ControlServer } from './control-server'
import { nodeSpawner, type BrokerChild, type BrokerSpawner } from './spawner'
import type { ClusterOptions } from '../cluster'

const READY_TIMEOUT_MS = 30_000

/** One broker process as the supervisor sees it; the same shape the console uses for in-process brokers. */
export class BrokerProcess {
  pid: number | undefined
  stopped = true
  faults: Readonly<Faults> = { ...noFaults }
  isolated = false
  readonly activity = new Map<string, ClientActivity>()
  private child?: BrokerChild
  private exited?: Promise<void>

  constructor(
    private readonly cluster: ProcessCluster,
    readonly nodeId: number,
    readonly host: string,
    public port: number,
  ) {}

  async start(): Promise<void> {
    if (!this.stopped) return
    const c = this.cluster
    const args = ['--node-id', String(this.nodeId), '--host', this.host, '--port', String(this.port), '--log-dir', join(c.options.dataDir, `broker-${this.nodeId}`), '--controller', `127.0.0.1:${c.server.port}`]
    for (const [k, v] of Object.entries(c.options.configs ?? {})) args.push('--config', `${k}=${v}`)
    const log = c.options.log ?? (() => {})
    const child = c.spawner(args, (line) => log(line.replace(/^\S+Z /, '')))
    this.child = child
    this.pid = child.pid
    this.exited = new Promise((resolve) =>
      child.onExit((code, signal) => {
        // The controller fences at once: no waiting for the session to time out.
        c.controller.fence(this.nodeId, `process ${this.pid} exited (${signal ?? code})`)
        this.stopped = true
        this.faults = { ...noFaults }
        this.isolated = false
        resolve()
      }),
    )
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker ${this.nodeId} not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS)
      void this.exited!.then(() => {
        clearTimeout(timer)
        reject(new Error(`broker ${this.nodeId} exited before it was ready`))
      })
      child.onMessage((m) => {
        if (m.t === 'ready') {
          clearTimeout(timer)
          this.port = m.port as number
          this.stopped = false
          resolve()
        } else if (m.t === 'activity') {
          for (const a of m.list as ClientActivity[]) this.activity.set(`${a.clientId}@${a.address}`, a)
        } else if (m.t === 'faults') this.faults = m.faults as Faults
      })
    })
  }

  /** Controlled shutdown: the broker flushes its logs and leaves; its process exits. */
  async stop(): Promise<void> {
    if (!this.child || this.stopped) return
    this.child.send({ t: 'stop' })
    await this.exited
  }

  /** kill -9 of the broker's process. */
  async kill(): Promise<void> {
    if (!this.child || this.stopped) return
    this.child.kill()
    await this.exited
  }

  /** Injects faults (see server/faults.ts) into the broker process; validated here so a bad value throws at once. */
  setFaults(f: Partial<Faults>): Readonly<Faults> {
    const next = { ...this.faults, ...f }
    validateFaults(next)
    this.faults = next
    this.child?.send({ t: 'faults', faults: next })
    return next
  }

  /** The network-partition fault: the broker keeps serving clients but its heartbeats stop reaching the controller, which fences it. */
  isolate(on: boolean): void {
    this.isolated = on
    this.child?.send({ t: 'isolate', on })
  }
}

export class ProcessCluster {
  readonly controller: QuorumController
  readonly server: ControllerServer
  readonly control: ControlServer
  readonly brokers: BrokerProcess[] = []
  readonly spawner: BrokerSpawner

  constructor(
    readonly options: ClusterOptions,
    spawner: BrokerSpawner = nodeSpawner,
  ) {
    this.spawner = spawner
    this.controller = new QuorumController({ dataDir: options.dataDir, configs: options.configs, log: options.log })
    this.server = new ControllerServer(this.controller)
    this.control = new ControlServer(this)
    for (let i = 0; i < options.brokers; i++) {
      this.brokers.push(new BrokerProcess(this, i + 1, options.host ?? '127.0.0.1', options.port === 0 ? 0 : options.port + i))
    }
  }

  async start(): Promise<void> {
    if (!this.server.port) await this.server.listen()
    try {
      await Promise.all(this.brokers.map((b) => b.start()))
      await this.control.listen()
    } catch (e) {
      await this.stop()
      throw e
    }
  }

  async stop(): Promise<void> {
    await this.control.close()
    await Promise.all(this.brokers.map((b) => b.stop()))
    await this.server.close()
    this.controller.close()
  }

  bootstrap(): string {
    return this.brokers.map((b) => `${b.host}:${b.port}`).join(',')
  }
}
