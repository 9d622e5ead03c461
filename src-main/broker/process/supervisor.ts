// `kafkadesk cluster --brokers N`: one OS process per broker, supervised from here. The
// controller lives in this supervisor process rather than its own: the supervisor already
// outlives every broker and sees a child die the moment it does (the exit event), so fencing
// and a new leader follow a kill -9 at once, without a heartbeat round trip or a further
// process to start and watch. Nothing is restarted on its own: a killed broker stays down
// until started.
import { join } from 'node:path'
import { noFaults, validateFaults, type Faults } from '../server/faults'
import type { ClientActivity } from '../broker'
import { DEFAULT_INITIAL_REGISTRATION_TIMEOUT_MS, QuorumController } from '../controller/quorum-controller'
import { ControllerServer } from './controller-server'
import { ControllerListener } from './controller-listener'
import { ControlServer, assertNoLiveSupervisor } from './control-server'
import { nodeSpawner, type BrokerChild, type BrokerSpawner } from './spawner'
import type { ClusterOptions } from '../cluster'
import type { CleanerPartitionState } from '../storage/cleaner/log-cleaner'

/** A partition's log-cleaner state as one broker holds it, and whether that broker leads it. */
export type BrokerCleanerState = CleanerPartitionState & { leader: boolean }

/** One broker process as the supervisor sees it; the same shape the console uses for in-process brokers. */
export class BrokerProcess {
  pid: number | undefined
  stopped = true
  faults: Readonly<Faults> = { ...noFaults }
  isolated = false
  /** How the process last ended: a controlled shutdown, or anything else (kill -9, a crash). */
  ended: 'stopped' | 'killed' | null = null
  private stopping = false
  readonly activity = new Map<string, ClientActivity>()
  private child?: BrokerChild
  private exited?: Promise<void>
  private activityWaiters: (() => void)[] = []
  /** Answers awaited from the broker's log cleaner, by request id. */
  private readonly cleanerWaiters = new Map<number, (partitions: BrokerCleanerState[]) => void>()
  private nextCleanerId = 1

  constructor(
    private readonly cluster: ProcessCluster,
    readonly nodeId: number,
    readonly host: string,
    public port: number,
  ) {}

  async start(): Promise<void> {
    if (!this.stopped) return
    const c = this.cluster
    const args = [
      '--node-id',
      String(this.nodeId),
      '--host',
      this.host,
      '--port',
      String(this.port),
      '--log-dir',
      join(c.options.dataDir, `broker-${this.nodeId}`),
      '--controller',
      `127.0.0.1:${c.server.port}`,
    ]
    for (const [k, v] of Object.entries(c.options.configs ?? {})) args.push('--config', `${k}=${v}`)
    const log = c.options.log ?? (() => {})
    const child = c.spawner(args, (line) => log(line.replace(/^\S+Z /, '')))
    this.child = child
    this.pid = child.pid
    this.stopping = false
    this.exited = new Promise((resolve) =>
      child.onExit((code, signal) => {
        // The controller fences at once: no waiting for the session to time out.
        c.controller.fence(this.nodeId, `process ${this.pid} exited (${signal ?? code})`)
        this.stopped = true
        // Only a controlled shutdown (asked here, or SIGTERM from a terminal) exits with 0.
        this.ended = code === 0 ? 'stopped' : 'killed'
        this.faults = { ...noFaults }
        if (this.isolated) c.cutPeers(this, false)
        this.isolated = false
        if (!this.stopping) c.options.log?.(`broker ${this.nodeId} process ${this.pid} exited (${signal ?? code})`)
        c.changed(this.nodeId)
        resolve()
      }),
    )
    await new Promise<void>((resolve, reject) => {
      // A broker opening tens of thousands of partition logs is busy, not dead: it gets Kafka's
      // initial.broker.registration.timeout.ms (60 s) to be ready, as a KRaft broker gets to register.
      const readyMs = Number(c.options.configs?.['initial.broker.registration.timeout.ms'] ?? DEFAULT_INITIAL_REGISTRATION_TIMEOUT_MS)
      const timer = setTimeout(() => reject(new Error(`broker ${this.nodeId} not ready after ${readyMs} ms`)), readyMs)
      void this.exited!.then(() => {
        clearTimeout(timer)
        reject(new Error(`broker ${this.nodeId} exited before it was ready`))
      })
      child.onMessage((m) => {
        if (m.t === 'ready') {
          clearTimeout(timer)
          this.port = m.port as number
          if (typeof m.pid === 'number') this.pid = m.pid
          this.stopped = false
          this.ended = null
          // Peers cut off by a network-partition fault stay cut off for a broker that comes back.
          for (const peer of c.brokers) if (peer.isolated && peer !== this) child.send({ t: 'cut', peer: peer.nodeId, on: true })
          c.changed(this.nodeId)
          resolve()
        } else if (m.t === 'activity') {
          for (const a of m.list as ClientActivity[]) this.activity.set(`${a.clientId}@${a.address}`, a)
          for (const fn of this.activityWaiters.splice(0)) fn()
        } else if (m.t === 'cleaner') {
          const done = this.cleanerWaiters.get(m.id as number)
          this.cleanerWaiters.delete(m.id as number)
          done?.(m.partitions as BrokerCleanerState[])
        } else if (m.t === 'faults') this.faults = m.faults as Faults
      })
    })
  }

  /** Asks the broker for its client activity now (it also pushes it every second); resolves when it is in, or after `timeoutMs`. */
  async refreshActivity(timeoutMs = 1000): Promise<void> {
    if (!this.child || this.stopped) return
    const child = this.child
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs)
      this.activityWaiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
      child.send({ t: 'activity' })
    })
  }

  /**
   * The log cleaner's state of the partitions of `topic` this broker holds; null when it is not
   * running or does not answer within `timeoutMs` (a paused or dying broker).
   */
  async cleaner(topic: string, timeoutMs = 2000): Promise<BrokerCleanerState[] | null> {
    if (!this.child || this.stopped) return null
    const child = this.child
    const id = this.nextCleanerId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.cleanerWaiters.delete(id)
        resolve(null)
      }, timeoutMs)
      this.cleanerWaiters.set(id, (partitions) => {
        clearTimeout(timer)
        resolve(partitions)
      })
      child.send({ t: 'cleaner', id, topic })
    })
  }

  /** Controlled shutdown: the broker flushes its logs and leaves; its process exits. */
  async stop(): Promise<void> {
    if (!this.child || this.stopped) return
    this.stopping = true
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

  /**
   * The network-partition fault: the broker keeps serving clients, but its heartbeats stop
   * reaching the controller, which fences it, and replication between it and its peers fails
   * both ways, so its partitions fall out of the ISR.
   */
  isolate(on: boolean): void {
    if (this.isolated === on) return
    this.isolated = on
    this.child?.send({ t: 'isolate', on })
    this.cluster.cutPeers(this, on)
    this.cluster.changed(this.nodeId)
  }

  /** Tells this broker's process to refuse (or again serve) follower fetches from a peer. */
  cut(peer: number, on: boolean): void {
    if (!this.stopped) this.child?.send({ t: 'cut', peer, on })
  }
}

export class ProcessCluster {
  readonly controller: QuorumController
  readonly server: ControllerServer
  /** The controller's own Kafka listener, for admin clients bootstrapping to controllers (KIP-919). */
  readonly controllerListener: ControllerListener
  readonly control: ControlServer
  readonly brokers: BrokerProcess[] = []
  readonly spawner: BrokerSpawner
  /** Called with a broker's id whenever its process starts, exits, or is isolated or healed. */
  onBrokerChange?: (nodeId: number) => void

  constructor(
    readonly options: ClusterOptions,
    spawner: BrokerSpawner = nodeSpawner,
  ) {
    this.spawner = spawner
    // Before the controller opens the metadata log: a second supervisor must not write to it.
    assertNoLiveSupervisor(options.dataDir)
    this.controller = new QuorumController({ dataDir: options.dataDir, configs: options.configs, log: options.log })
    this.server = new ControllerServer(this.controller)
    this.controllerListener = new ControllerListener(this.controller, () => this.server.describeQuorum(), {
      host: options.host,
      configs: options.configs,
      log: options.log,
    })
    this.control = new ControlServer(this)
    for (let i = 0; i < options.brokers; i++) {
      this.brokers.push(new BrokerProcess(this, i + 1, options.host ?? '127.0.0.1', options.port === 0 ? 0 : options.port + i))
    }
  }

  async start(): Promise<void> {
    if (!this.server.port) await this.server.listen()
    await this.listenController()
    try {
      await Promise.all(this.brokers.map((b) => b.start()))
      await this.control.listen()
    } catch (e) {
      await this.stop()
      throw e
    }
  }

  private async listenController(): Promise<void> {
    if (this.controllerListener.port) return
    await this.controllerListener.listen()
    const l = this.controllerListener.endpoint
    this.server.endpoints = [l]
    this.options.log?.(`controller ${l.nodeId} epoch ${this.controller.image.controllerEpoch} listening on ${l.host}:${l.port} (${l.listenerName})`)
  }

  async stop(): Promise<void> {
    await this.control.close()
    await Promise.all(this.brokers.map((b) => b.stop()))
    await this.controllerListener.close()
    await this.server.close()
    this.controller.close()
  }

  /** Cuts (or restores) replication between an isolated broker and every other running broker. */
  cutPeers(isolated: BrokerProcess, on: boolean): void {
    for (const b of this.brokers) if (b !== isolated) b.cut(isolated.nodeId, on)
  }

  changed(nodeId: number): void {
    this.onBrokerChange?.(nodeId)
  }

  bootstrap(): string {
    return this.brokers.map((b) => `${b.host}:${b.port}`).join(',')
  }
}
