// The embedded-cluster control of the desktop app: the cluster runs in the utility process
// (ClusterProcess), and the console attaches to it by bootstrap address when it starts or stops.
import { EMBEDDED_CONNECTION_ID, type BrokerFaults, type EmbeddedStatus } from '../ipc/contract'
import type { CleanerState, ClientActivity, EmbeddedControl } from '../ipc/embedded-control'
import type { ClusterProcess } from './cluster-client'

export interface ClusterProcessControlOptions {
  /** The cluster's data dir (shown in the status while it is stopped). */
  dataDir: string
  /** Tells the console the cluster's bootstrap (null: it stopped). */
  attach: (bootstrap: string | null) => Promise<void>
  /** Takes the data dir's lock before a start (throws CONFLICT when another Kafkadesk holds it). */
  claim?: () => void
}

export class ClusterProcessControl implements EmbeddedControl {
  constructor(
    private readonly cluster: ClusterProcess,
    private readonly options: ClusterProcessControlOptions,
  ) {}

  private stopped(): EmbeddedStatus {
    return { state: 'stopped', connectionId: EMBEDDED_CONNECTION_ID, bootstrap: null, dataDir: this.options.dataDir, brokers: [] }
  }

  status(): Promise<EmbeddedStatus> {
    return this.cluster.running ? this.cluster.call('status') : Promise.resolve(this.cluster.lastStatus() ?? this.stopped())
  }

  /** `secure` reaches the process's EmbeddedService, which starts and reports the secured cluster as in web mode. */
  async start(brokers?: number, options: { secure?: boolean } = {}): Promise<EmbeddedStatus> {
    this.options.claim?.()
    if (!this.cluster.running) await this.cluster.start(0, brokers, options)
    const s = await this.cluster.call('start', brokers, options)
    await this.options.attach(s.bootstrap)
    return s
  }

  async stop(): Promise<EmbeddedStatus> {
    if (!this.cluster.running) return this.status()
    await this.options.attach(null)
    return this.cluster.call('stop')
  }

  startBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.cluster.call('startBroker', nodeId)
  }

  stopBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.cluster.call('stopBroker', nodeId)
  }

  killBroker(nodeId: number): Promise<EmbeddedStatus> {
    return this.cluster.call('killBroker', nodeId)
  }

  setFaults(nodeId: number, faults: Partial<BrokerFaults>): Promise<EmbeddedStatus> {
    return this.cluster.call('setFaults', nodeId, faults)
  }

  async activity(nodeId?: number): Promise<ClientActivity[]> {
    return this.cluster.running ? this.cluster.call('activity', nodeId) : []
  }

  async cleaner(topic: string): Promise<CleanerState> {
    return this.cluster.running ? this.cluster.call('cleaner', topic) : { topic, partitions: [], unavailable: [] }
  }
}
