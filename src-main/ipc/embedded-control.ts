// One control interface for the embedded cluster, wherever it runs: in this process (web mode
// and tests: the console's EmbeddedService) or in the Electron shell's utility process (the
// shell's ClusterProcessControl). The embedded.* channels are served from it in both cases, so
// they are declared once.
import type { BrokerFaults, ChannelName, EmbeddedStatus, Handlers, ResponseOf } from './contract'

export type ClientActivity = ResponseOf<'embedded.activity'>['clients'][number]
export type CleanerState = ResponseOf<'embedded.cleaner'>

/** Whole-cluster and per-broker control of the embedded cluster. */
export interface EmbeddedControl {
  status(): EmbeddedStatus | Promise<EmbeddedStatus>
  /** `secure`: SSL and SASL listeners as `kafkadesk cluster --secure`, in this process or the shell's cluster process alike (both run EmbeddedService). */
  start(brokers?: number, options?: { secure?: boolean }): Promise<EmbeddedStatus>
  stop(): Promise<EmbeddedStatus>
  startBroker(nodeId: number): Promise<EmbeddedStatus>
  /** Controlled shutdown of one broker. */
  stopBroker(nodeId: number): Promise<EmbeddedStatus>
  /** kill -9 of one broker's process. */
  killBroker(nodeId: number): Promise<EmbeddedStatus>
  setFaults(nodeId: number, faults: Partial<BrokerFaults>): Promise<EmbeddedStatus>
  /** The clients each broker (or one) has seen. */
  activity(nodeId?: number): Promise<ClientActivity[]>
  /** The log cleaner's state of each replica of a topic's partitions (Kafka has it only as JMX metrics). */
  cleaner(topic: string): Promise<CleanerState>
}

export type EmbeddedChannel = Extract<ChannelName, `embedded.${string}`>

/** The embedded.* channels, served by one control. */
export function embeddedHandlers(control: EmbeddedControl): Pick<Handlers, EmbeddedChannel> {
  return {
    'embedded.status': async () => control.status(),
    'embedded.start': (req) => control.start(req.brokers, req.secure === undefined ? {} : { secure: req.secure }),
    'embedded.stop': () => control.stop(),
    'embedded.broker.start': (req) => control.startBroker(req.nodeId),
    'embedded.broker.stop': (req) => control.stopBroker(req.nodeId),
    'embedded.broker.kill': (req) => control.killBroker(req.nodeId),
    'embedded.broker.faults': ({ nodeId, ...faults }) => control.setFaults(nodeId, faults),
    'embedded.activity': async (req) => ({ clients: await control.activity(req.nodeId) }),
    'embedded.cleaner': (req) => control.cleaner(req.topic),
  }
}
