import { join } from 'node:path'
import { Broker } from './broker'
import type { MetadataStore } from './controller/metadata'
import { QuorumController } from './controller/quorum-controller'
import { localMetadataView } from './controller/local-channel'

export interface ClusterOptions {
  brokers: number
  /** First broker's port; the others take the next ones. 0 picks free ports. */
  port: number
  host?: string
  dataDir: string
  /** Static broker configs, Kafka names (as in server.properties). */
  configs?: Record<string, string>
  log?: (line: string) => void
}

/** The embedded cluster: N brokers in this process sharing one metadata store, each its own endpoint. */
export class EmbeddedCluster {
  readonly controller: QuorumController
  readonly metadata: MetadataStore
  readonly brokers: Broker[] = []

  constructor(readonly options: ClusterOptions) {
    this.controller = new QuorumController({ dataDir: options.dataDir, configs: options.configs, log: options.log })
    this.metadata = localMetadataView(this.controller)
    for (let i = 0; i < options.brokers; i++) {
      this.brokers.push(
        new Broker({
          nodeId: i + 1,
          host: options.host ?? '127.0.0.1',
          port: options.port === 0 ? 0 : options.port + i,
          logDir: join(options.dataDir, `broker-${i + 1}`),
          metadata: this.metadata,
          staticConfigs: options.configs,
          log: options.log,
        }),
      )
    }
  }

  async start(): Promise<void> {
    try {
      for (const b of this.brokers) await b.start()
    } catch (e) {
      await this.stop()
      throw e
    }
  }

  async stop(): Promise<void> {
    for (const b of this.brokers) await b.stop()
  }

  bootstrap(): string {
    return this.brokers.map((b) => `${b.host}:${b.port}`).join(',')
  }
}
