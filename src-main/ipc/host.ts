// Wires the console's services into one Handlers map for a binding (Electron or web mode):
// the data dir, the secret store the host provides, the broadcast sink, and the embedded
// cluster, either run here in-process (web mode) or attached by bootstrap (the Electron
// shell runs it in a utility process).
import { ContractError, channelNames, type Handlers } from './contract'
import type { Broadcast } from './broadcast'
import { FileSecrets, SafeStorageSecrets, type SafeStorageLike, type SecretStore } from '../console/secrets'
import { EmbeddedService, defaultEmbeddedDir } from '../console/embedded'
import { ConnectionManager } from '../console/connections'
import { createTopic, listTopics } from '../console/topics'

export interface ConsoleOptions {
  dataDir: string
  broadcast: Broadcast
  log?: (line: string) => void
  /** Electron: secrets encrypted with safeStorage. Otherwise a 0600 file. */
  safeStorage?: SafeStorageLike
  /** Start the embedded cluster in this process with this many brokers. */
  embedded?: { brokers: number }
  /** A remote cluster to offer as a saved connection. */
  bootstrap?: string
}

export interface ConsoleHandle {
  handlers: Handlers
  /** A window or socket went away. */
  clientGone(clientId: string): void
  /** The embedded cluster's bootstrap when it runs. */
  embeddedBootstrap(): string | null
  /** The embedded cluster was started elsewhere (the shell's utility process), or stopped (null). */
  attachEmbedded(bootstrap: string | null): Promise<void>
  secretsNote(): string
  close(): Promise<void>
}

// TODO(contract colleague's handlers.ts): interim map until src-main/console/handlers.ts lands.
function interimHandlers(connections: ConnectionManager, embedded: EmbeddedService, secrets: SecretStore): Handlers {
  const all: Record<string, (req: never) => Promise<unknown>> = {}
  for (const c of channelNames) {
    all[c] = async () => {
      throw new ContractError('UNSUPPORTED', `${c} is not available yet`)
    }
  }
  Object.assign(all, {
    'connections.list': async () => ({ connections: connections.list() }),
    'secrets.status': async () => secrets.status(),
    'embedded.status': async () => embedded.status(),
    'embedded.broker.stop': async (req: { nodeId: number }) => embedded.stopBroker(req.nodeId),
    'embedded.broker.start': async (req: { nodeId: number }) => embedded.startBroker(req.nodeId),
    'topics.list': async (req: Parameters<typeof listTopics>[1] & { connectionId: string }) => listTopics(await connections.session(req.connectionId), req),
    'topics.create': async (req: Parameters<typeof createTopic>[1]) => createTopic(await connections.session(req.connectionId), req),
  })
  return all as unknown as Handlers
}

export async function openConsole(opts: ConsoleOptions): Promise<ConsoleHandle> {
  const log = opts.log ?? (() => {})
  const secrets: SecretStore = opts.safeStorage ? new SafeStorageSecrets(opts.dataDir, opts.safeStorage) : new FileSecrets(opts.dataDir)
  let connections: ConnectionManager | undefined
  const embedded = new EmbeddedService({
    dataDir: defaultEmbeddedDir(opts.dataDir),
    brokers: opts.embedded?.brokers,
    log,
    broadcast: opts.broadcast,
    onChange: () => connections?.close('embedded').then(() => undefined),
  })
  connections = new ConnectionManager({ dataDir: opts.dataDir, secrets, embeddedBootstrap: () => embedded.bootstrap(), broadcast: opts.broadcast })
  const conns = connections
  if (opts.bootstrap && !conns.list().some((c) => c.bootstrapServers.join(',') === opts.bootstrap)) {
    await conns.save({ name: opts.bootstrap, bootstrapServers: opts.bootstrap.split(',') } as never)
  }
  if (opts.embedded) await embedded.start(opts.embedded.brokers)
  return {
    handlers: interimHandlers(conns, embedded, secrets),
    clientGone: () => {},
    embeddedBootstrap: () => embedded.bootstrap(),
    attachEmbedded: async (bootstrap) => {
      await embedded.attachExternal(bootstrap)
    },
    secretsNote: () => secrets.status().note,
    async close() {
      await conns.closeAll()
      await embedded.shutdown()
    },
  }
}
