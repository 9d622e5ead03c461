// The built-in connection: the embedded cluster. Either started here in-process
// (EmbeddedCluster — the only broker module the console imports) or started elsewhere (the
// Electron shell runs it off the UI thread) and attached by bootstrap address. Per-broker
// stop/kill/start and the client activity record need the in-process cluster.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { EmbeddedCluster } from '../broker/cluster'
import { ContractError, EMBEDDED_CONNECTION_ID, type BrokerFaults, type EmbeddedStatus, type EventSink } from '../ipc/contract'

type BrokerState = 'running' | 'stopped' | 'killed'

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
}

export class EmbeddedService {
  private cluster?: EmbeddedCluster
  private external?: string
  private state: EmbeddedStatus['state'] = 'stopped'
  private error?: string
  private brokerStates = new Map<number, BrokerState>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly opts: EmbeddedOptions) {}

  bootstrap(): string | null {
    if (this.external) return this.external
    if (!this.cluster || this.state !== 'running') return null
    const live = this.cluster.brokers.filter((b) => this.brokerStates.get(b.nodeId) === 'running')
    return live.length ? live.map((b) => `${b.host}:${b.port}`).join(',') : null
  }

  status(): EmbeddedStatus {
    const brokers = this.cluster
      ? this.cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, state: this.brokerStates.get(b.nodeId) ?? 'stopped', faults: { ...b.faults } }))
      : this.external
        ? this.external.split(',').map((a, i) => ({ nodeId: i + 1, host: a.slice(0, a.lastIndexOf(':')), port: Number(a.slice(a.lastIndexOf(':') + 1)), state: 'running' as const }))
        : []
    const s: EmbeddedStatus = {
      state: this.state,
      connectionId: EMBEDDED_CONNECTION_ID,
      bootstrap: this.external ?? (this.cluster && this.state === 'running' ? this.cluster.bootstrap() : null),
      dataDir: this.cluster ? this.cluster.options.dataDir : null,
      brokers,
    }
    if (this.error) s.error = this.error
    return s
  }

  private emit(): void {
    this.opts.broadcast?.emit('cluster.event', { type: 'embedded', at: Date.now(), status: this.status() })
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

  start(brokers?: number): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      if (this.external) throw new ContractError('CONFLICT', 'the embedded cluster is managed by the app shell')
      if (this.state === 'running') return this.status()
      const n = brokers ?? this.opts.brokers ?? 1
      mkdirSync(this.opts.dataDir, { recursive: true })
      this.cluster = new EmbeddedCluster({ brokers: n, port: this.opts.port ?? 0, dataDir: this.opts.dataDir, configs: this.opts.configs, log: this.opts.log ?? (() => {}) })
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
      for (const b of this.cluster.brokers) this.brokerStates.set(b.nodeId, 'running')
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
      for (const b of this.cluster.brokers) this.brokerStates.set(b.nodeId, 'stopped')
      this.state = 'stopped'
      this.emit()
      return this.status()
    })
  }

  private broker(nodeId: number) {
    if (!this.cluster) {
      if (this.external) throw new ContractError('UNSUPPORTED', 'per-broker control needs the cluster started by the console (this one is run by the app shell)')
      throw new ContractError('CONFLICT', 'the embedded cluster is not running')
    }
    const b = this.cluster.brokers.find((x) => x.nodeId === nodeId)
    if (!b) throw new ContractError('NOT_FOUND', `no broker ${nodeId} in the embedded cluster`, 'nodeId')
    return b
  }

  private setBroker(nodeId: number, state: BrokerState): void {
    this.brokerStates.set(nodeId, state)
    this.opts.broadcast?.emit('cluster.event', { type: 'broker', at: Date.now(), nodeId, state })
    this.emit()
  }

  /** Controlled shutdown of one broker. */
  stopBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      const b = this.broker(nodeId)
      if (this.brokerStates.get(nodeId) === 'running') await b.stop()
      this.setBroker(nodeId, 'stopped')
      return this.status()
    })
  }

  /**
   * Abrupt stop, as a crash: client connections are dropped without a goodbye and the logs are
   * left unflushed and unmarked, so the next start of the broker runs log recovery.
   */
  killBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      const b = this.broker(nodeId)
      if (this.brokerStates.get(nodeId) === 'running') await b.kill()
      this.setBroker(nodeId, 'killed')
      return this.status()
    })
  }

  startBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      const b = this.broker(nodeId)
      if (this.brokerStates.get(nodeId) !== 'running') await b.start()
      this.setBroker(nodeId, 'running')
      return this.status()
    })
  }

  /** Injects faults into one running broker (latency, dropped connections, pause). */
  setFaults(nodeId: number, faults: Partial<BrokerFaults>): Promise<EmbeddedStatus> {
    return this.serial(async () => {
      const b = this.broker(nodeId)
      if (this.brokerStates.get(nodeId) !== 'running') throw new ContractError('REFUSED', `broker ${nodeId} is not running`, 'nodeId')
      b.setFaults(faults)
      this.opts.broadcast?.emit('cluster.event', { type: 'broker', at: Date.now(), nodeId, state: 'running' })
      this.emit()
      return this.status()
    })
  }

  /** What clients each broker has seen (client id, address, requests per API). */
  activity(nodeId?: number) {
    if (!this.cluster) {
      if (this.external) throw new ContractError('UNSUPPORTED', 'the client activity record needs the cluster started by the console')
      return []
    }
    const out = []
    for (const b of this.cluster.brokers) {
      if (nodeId !== undefined && b.nodeId !== nodeId) continue
      for (const a of b.activity.values()) out.push({ nodeId: b.nodeId, clientId: a.clientId, address: a.address, lastSeen: a.lastSeen, requests: { ...a.requests } })
    }
    return out.sort((x, y) => y.lastSeen - x.lastSeen)
  }

  async shutdown(): Promise<void> {
    if (this.cluster && this.state === 'running') await this.stop()
  }
}

export function defaultEmbeddedDir(dataDir: string): string {
  return join(dataDir, 'cluster')
}
