// The built-in connection: the embedded cluster. Either started here — the same code as
// `kafkadesk cluster`: a supervisor (ProcessCluster, the only broker module the console imports)
// hosting the controller, one OS process per broker — or started elsewhere and attached by
// bootstrap address. Per-broker stop/kill/start go through the supervisor's control, as
// `kafkadesk broker stop|kill|start` do, so a Kill is a kill -9 of the broker's process; the
// cluster's data dir carries the supervisor's control file, so those commands work on it too.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ProcessCluster } from '../broker/process/supervisor'
import { adminScramCommands, clientSettings, SECURE_USER, secureClusterConfigs, type SecureCluster } from '../broker/security/secure-cluster'
import { clusterStatus, controlBroker, type BrokerOp } from '../broker/process/control-server'
import type { BrokerSpawner } from '../broker/process/spawner'
import { ContractError, EMBEDDED_CONNECTION_ID, type BrokerFaults, type CleanerPartition, type EmbeddedStatus, type EventSink } from '../ipc/contract'

export interface EmbeddedOptions {
  /** Where the cluster keeps its data (default <dataDir>/cluster). */
  dataDir: string
  brokers?: number
  /** First port; 0 picks free ports (default 0). */
  port?: number
  configs?: Record<string, string>
  log?: (line: string) => void
  broadcast?: EventSink
  /** Called when the cluster goes away or changes so open sessions are dropped. */
  onChange?: () => Promise<void> | void
  /** How broker processes are started (default: node's fork of the bundled CLI; Electron passes its own). */
  spawner?: BrokerSpawner
}

export class EmbeddedService {
  private cluster?: ProcessCluster
  private external?: string
  private state: EmbeddedStatus['state'] = 'stopped'
  private error?: string
  private queue: Promise<unknown> = Promise.resolve()
  private emitPending = false
  /** Started secured (`kafkadesk cluster --secure`): its CA, admin password and listeners. */
  private secure?: SecureCluster

  constructor(private readonly opts: EmbeddedOptions) {}

  bootstrap(): string | null {
    if (this.external) return this.external
    if (!this.cluster || this.state !== 'running') return null
    const live = this.cluster.brokers.filter((b) => !b.stopped)
    return live.length ? live.map((b) => `${b.host}:${b.port}`).join(',') : null
  }

  status(): EmbeddedStatus {
    const faults = new Map(
      this.cluster?.brokers.map((b) => [
        b.nodeId,
        { latencyMs: b.faults.latencyMs, dropRate: b.faults.dropRate, paused: b.faults.paused, isolated: b.isolated },
      ]),
    )
    const brokers = this.cluster
      ? clusterStatus(this.cluster).brokers.map((b) => ({
          nodeId: b.nodeId,
          host: b.host,
          port: b.port,
          state: b.state,
          faults: faults.get(b.nodeId),
          pid: b.pid,
          fenced: b.fenced,
          isolated: b.isolated,
          leaderOf: b.leaderOf,
          movableLeaders: b.movableLeaders,
        }))
      : this.external
        ? this.external
            .split(',')
            .map((a, i) => ({ nodeId: i + 1, host: a.slice(0, a.lastIndexOf(':')), port: Number(a.slice(a.lastIndexOf(':') + 1)), state: 'running' as const }))
        : []
    const s: EmbeddedStatus = {
      state: this.state,
      connectionId: EMBEDDED_CONNECTION_ID,
      bootstrap: this.external ?? (this.cluster && this.state === 'running' ? this.cluster.bootstrap() : null),
      dataDir: this.cluster ? this.cluster.options.dataDir : null,
      brokers,
    }
    if (this.error) s.error = this.error
    const security = this.cluster && this.state === 'running' && this.secure ? this.securityStatus(this.cluster, this.secure) : undefined
    if (security) s.security = security
    return s
  }

  /** Each listener's bootstrap from the endpoints the brokers registered, and the settings a client needs, as `kafkadesk cluster --secure` prints them. */
  private securityStatus(cluster: ProcessCluster, secure: SecureCluster): NonNullable<EmbeddedStatus['security']> {
    const byListener = new Map<string, string[]>()
    for (const b of cluster.brokers) {
      for (const l of cluster.controller.image.registrations.get(b.nodeId)?.listeners ?? []) {
        const list = byListener.get(l.name) ?? []
        list.push(`${l.host}:${l.port}`)
        byListener.set(l.name, list)
      }
    }
    const listeners = [...byListener].map(([name, addresses]) => ({ name, bootstrap: addresses.join(',') }))
    return {
      user: SECURE_USER,
      password: secure.password,
      caPath: secure.certificates.caCert,
      listeners,
      clientSettings: clientSettings(Object.fromEntries(listeners.map((l) => [l.name, l.bootstrap])), secure.certificates.caCert, secure.password),
    }
  }

  private emit(): void {
    this.opts.broadcast?.emit('cluster.event', { type: 'embedded', at: Date.now(), status: this.status() })
  }

  /** One status event for a burst of changes (a kill fences the broker and moves many leaders). */
  private emitSoon(): void {
    if (this.emitPending) return
    this.emitPending = true
    setTimeout(() => {
      this.emitPending = false
      if (this.cluster && this.state === 'running') this.emit()
    }, 50).unref()
  }

  /** A broker process started, ended (also by `kafkadesk broker` or a kill -9 from a terminal), or was isolated or healed. */
  private brokerChanged(nodeId: number): void {
    if (!this.cluster || this.state !== 'running') return
    const b = this.cluster.brokers.find((x) => x.nodeId === nodeId)
    if (!b) return
    this.opts.broadcast?.emit('cluster.event', { type: 'broker', at: Date.now(), nodeId, state: b.stopped ? (b.ended ?? 'stopped') : 'running' })
    this.emitSoon()
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn)
    this.queue = p.catch(() => undefined)
    return p
  }

  /** A cluster started by someone else (e.g. the Electron shell's worker). */
  async attachExternal(bootstrap: string | null): Promise<EmbeddedStatus> {
    this.external = bootstrap ?? undefined
    this.state = bootstrap ? 'running' : 'stopped'
    await this.opts.onChange?.()
    this.emit()
    return this.status()
  }

  /**
   * Starts the cluster; `secure` as `kafkadesk cluster --secure` (SSL, SASL_PLAINTEXT and SASL_SSL
   * listeners beside PLAINTEXT, a local CA kept in the data dir, user admin with PLAIN and SCRAM).
   * The console itself keeps using the PLAINTEXT listener. Without `secure` the last choice holds.
   */
  start(brokers?: number, options: { secure?: boolean } = {}): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      if (this.external) throw new ContractError('CONFLICT', 'the embedded cluster is managed by the app shell')
      if (this.state === 'running') return this.status()
      const n = brokers ?? this.opts.brokers ?? 1
      mkdirSync(this.opts.dataDir, { recursive: true })
      let cluster: ProcessCluster
      try {
        const wantSecure = options.secure ?? this.secure !== undefined
        this.secure = wantSecure ? secureClusterConfigs(this.opts.dataDir, this.opts.port ?? 0) : undefined
        // What the console was configured with wins over the --secure defaults, as on the command line.
        const configs = this.secure ? { ...this.secure.configs, ...this.opts.configs } : this.opts.configs
        cluster = new ProcessCluster(
          { brokers: n, port: this.opts.port ?? 0, dataDir: this.opts.dataDir, configs, log: this.opts.log ?? (() => {}) },
          this.opts.spawner,
        )
        if (this.secure) for (const cmd of adminScramCommands(cluster.controller.image.security, this.secure.password)) cluster.controller.execute(cmd)
      } catch (e) {
        this.state = 'error'
        this.error = (e as Error).message
        this.emit()
        throw new ContractError('CONFLICT', `the embedded cluster did not start: ${(e as Error).message}`)
      }
      this.cluster = cluster
      cluster.onBrokerChange = (id) => this.brokerChanged(id)
      // Fencing, leaders and ISRs are the controller's: the status follows its records (writes are rare; emitSoon batches them).
      cluster.controller.subscribe(() => this.emitSoon())
      this.state = 'starting'
      this.error = undefined
      this.emit()
      try {
        await this.cluster.start()
      } catch (e) {
        this.state = 'error'
        this.error = (e as Error).message
        this.cluster = undefined
        this.emit()
        throw new ContractError('INTERNAL', `the embedded cluster did not start: ${(e as Error).message}`)
      }
      this.state = 'running'
      await this.opts.onChange?.()
      this.emit()
      return this.status()
    })
  }

  stop(): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      if (this.external) throw new ContractError('CONFLICT', 'the embedded cluster is managed by the app shell')
      if (!this.cluster) return this.status()
      this.state = 'stopping'
      this.emit()
      await this.opts.onChange?.()
      await this.cluster.stop()
      this.state = 'stopped'
      this.emit()
      return this.status()
    })
  }

  private broker(nodeId: number) {
    if (!this.cluster) {
      if (this.external)
        throw new ContractError('UNSUPPORTED', 'per-broker control needs the cluster started by the console (this one is run by the app shell)')
      throw new ContractError('CONFLICT', 'the embedded cluster is not running')
    }
    const b = this.cluster.brokers.find((x) => x.nodeId === nodeId)
    if (!b) throw new ContractError('NOT_FOUND', `no broker ${nodeId} in the embedded cluster`, 'nodeId')
    return b
  }

  /** One broker operation through the supervisor's control, the same as `kafkadesk broker OP ID`. */
  private control(op: BrokerOp, nodeId: number): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      this.broker(nodeId)
      try {
        await controlBroker(this.cluster!, op, nodeId)
      } catch (e) {
        throw new ContractError('REFUSED', (e as Error).message, 'nodeId')
      }
      this.emit()
      return this.status()
    })
  }

  /** Controlled shutdown of one broker: its logs are flushed, its leaderships handed over, its process exits. */
  stopBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.control('stop', nodeId)
  }

  /**
   * kill -9 of the broker's process, as a crash: client connections drop without a goodbye, the
   * controller fences it at once and its partitions get new leaders from their other in-sync
   * replicas; its logs are recovered on the next start.
   */
  killBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.control('kill', nodeId)
  }

  startBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.control('start', nodeId)
  }

  /** The network-partition fault on (isolate) or off (heal). */
  isolateBroker(nodeId: number, on: boolean): Promise<EmbeddedStatus> {
    return this.control(on ? 'isolate' : 'heal', nodeId)
  }

  /** Injects faults into one running broker (latency, dropped connections, pause, the network partition). */
  setFaults(nodeId: number, faults: Partial<BrokerFaults>): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      const b = this.broker(nodeId)
      if (b.stopped) throw new ContractError('REFUSED', `broker ${nodeId} is not running`, 'nodeId')
      const { isolated, ...rest } = faults
      if (isolated !== undefined) await controlBroker(this.cluster!, isolated ? 'isolate' : 'heal', nodeId)
      if (Object.keys(rest).length) b.setFaults(rest)
      this.opts.broadcast?.emit('cluster.event', { type: 'broker', at: Date.now(), nodeId, state: 'running' })
      this.emit()
      return this.status()
    })
  }

  /** What clients each broker has seen (client id, address, requests per API), fresh from the broker processes. */
  async activity(nodeId?: number) {
    if (!this.cluster) {
      if (this.external) throw new ContractError('UNSUPPORTED', 'the client activity record needs the cluster started by the console')
      return []
    }
    const brokers = this.cluster.brokers.filter((b) => nodeId === undefined || b.nodeId === nodeId)
    await Promise.all(brokers.map((b) => b.refreshActivity()))
    const out = []
    for (const b of brokers) {
      for (const a of b.activity.values())
        out.push({ nodeId: b.nodeId, clientId: a.clientId, address: a.address, lastSeen: a.lastSeen, requests: { ...a.requests } })
    }
    return out.sort((x, y) => y.lastSeen - x.lastSeen)
  }

  /**
   * The log cleaner's state of every replica of `topic`'s partitions, asked of each running broker
   * process (Kafka reports it only through JMX). Brokers that do not answer are listed as unavailable.
   */
  async cleaner(topic: string): Promise<{ topic: string; partitions: CleanerPartition[]; unavailable: number[] }> {
    if (!this.cluster) {
      if (this.external) throw new ContractError('UNSUPPORTED', "the log cleaner's state needs the cluster started by the console")
      return { topic, partitions: [], unavailable: [] }
    }
    const running = this.cluster.brokers.filter((b) => !b.stopped)
    const answers = await Promise.all(running.map(async (b) => ({ nodeId: b.nodeId, partitions: await b.cleaner(topic) })))
    const partitions: CleanerPartition[] = []
    const unavailable: number[] = []
    for (const a of answers) {
      if (!a.partitions) unavailable.push(a.nodeId)
      else for (const p of a.partitions) partitions.push({ ...p, nodeId: a.nodeId })
    }
    partitions.sort((x, y) => x.partition - y.partition || Number(y.leader) - Number(x.leader) || x.nodeId - y.nodeId)
    return { topic, partitions, unavailable }
  }

  async shutdown(): Promise<void> {
    if (this.cluster && this.state === 'running') await this.stop()
  }
}

export function defaultEmbeddedDir(dataDir: string): string {
  return join(dataDir, 'cluster')
}
