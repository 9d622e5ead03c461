// Opens the console (src-main/console/handlers.ts) for a binding, Electron or web mode: the
// secret store the host provides, broadcast events into the binding's Broadcast, and the
// embedded cluster, either run here in-process (web mode) or attached by bootstrap (the
// Electron shell runs it in a utility process).
import type { Handlers } from './contract'
import type { Broadcast } from './broadcast'
import { createConsole, type ConsoleApp } from '../console/handlers'
import { FileSecrets, SafeStorageSecrets, type SafeStorageLike, type SecretStore } from '../console/secrets'

export interface ConsoleOptions {
  dataDir: string
  broadcast: Broadcast
  log?: (line: string) => void
  /** Electron: secrets encrypted with safeStorage. Otherwise a 0600 file (and secrets.status says so). */
  safeStorage?: SafeStorageLike
  /** Start the embedded cluster in this process with this many brokers (first port: `port`, default 0 = free ports). */
  embedded?: { brokers: number; port?: number }
  /** A remote cluster to offer as a saved connection (`serve --bootstrap`). */
  bootstrap?: string
}

export interface ConsoleHandle {
  handlers: Handlers
  app: ConsoleApp
  /** A window or socket went away: its tails and searches end. */
  clientGone(clientId: string): void
  /** The embedded cluster's bootstrap when it runs. */
  embeddedBootstrap(): string | null
  /** The embedded cluster was started elsewhere (the shell's utility process), or stopped (null). */
  attachEmbedded(bootstrap: string | null): Promise<void>
  /** The saved connection for `bootstrap`, if one was asked for. */
  bootstrapConnectionId?: string
  secretsNote(): string
  close(): Promise<void>
}

export async function openConsole(opts: ConsoleOptions): Promise<ConsoleHandle> {
  const log = opts.log ?? (() => {})
  const secrets: SecretStore = opts.safeStorage ? new SafeStorageSecrets(opts.dataDir, opts.safeStorage) : new FileSecrets(opts.dataDir)
  const app = createConsole({
    dataDir: opts.dataDir,
    secrets,
    log,
    embedded: opts.embedded ? { brokers: opts.embedded.brokers, port: opts.embedded.port } : undefined,
  })
  const unsubscribe = app.subscribe(opts.broadcast)
  try {
    let bootstrapConnectionId: string | undefined
    if (opts.bootstrap) {
      const servers = opts.bootstrap.split(',').map((s) => s.trim())
      const existing = app.connections.list().find((c) => c.kind === 'remote' && c.bootstrapServers.join(',') === servers.join(','))
      bootstrapConnectionId = existing?.id ?? (await app.connections.save({ name: opts.bootstrap, bootstrapServers: servers })).connection.id
    }
    if (opts.embedded) await app.embedded.start(opts.embedded.brokers)
    return {
      handlers: app.handlers,
      app,
      clientGone: (id) => app.clientGone(id),
      embeddedBootstrap: () => app.embedded.bootstrap(),
      attachEmbedded: (bootstrap) => app.embeddedStarted(bootstrap),
      bootstrapConnectionId,
      secretsNote: () => secrets.status().note,
      async close() {
        unsubscribe()
        await app.shutdown()
      },
    }
  } catch (e) {
    unsubscribe()
    await app.shutdown().catch(() => {})
    throw e
  }
}
