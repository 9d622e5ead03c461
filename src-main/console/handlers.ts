// Builds the console: services wired to one Handlers map that ipc/electron.ts and ipc/web.ts
// bind, plus broadcast event subscription (cluster events, lag and throughput samples go to
// every window/socket; tail and search events go to the caller's own sink).
import { ContractError, type EventName, type EventOf, type EventSink, type Handlers } from '../ipc/contract'
import { embeddedHandlers } from '../ipc/embedded-control'
import { clusterOverview } from './cluster'
import { ConnectionManager } from './connections'
import { diagnose } from './diagnose'
import { EmbeddedService, defaultEmbeddedDir } from './embedded'
import { alterConfigs, describeConfigs } from './configs'
import { deleteGroups, deleteOffsets, describeGroup, listGroups } from './groups'
import { keyDistribution } from './key-distribution'
import { LAG_INTERVAL_MS, LagHistory } from './lag-history'
import { exportRequest } from './messages/export'
import { readMessages } from './messages/read'
import { Searches } from './messages/search'
import { Tails } from './messages/tail'
import { planReset } from './offsets'
import { produceBatch, produceSend, republish } from './produce'
import { FileSecrets, SafeStorageSecrets, type SafeStorageLike, type SecretStore } from './secrets'
import { Throughput } from './throughput'
import { addPartitions, createTopic, deleteTopics, describeTopic, listTopics, offsetRange, purgeTopic } from './topics'
import { describeLogDirs } from './log-dirs'
import { Operations } from './operations'
import { withinDeadline } from './view-deadline'
import { abortTransaction, listTransactions } from './transactions'
import { accessView } from './security/access'
import { createAcl, deleteAcl, listAcls } from './security/acls'
import { deleteScramUser, listScramUsers, upsertScramUser } from './security/scram-users'
import { alterQuota, listQuotas } from './security/quotas'
import { protoRegistry } from './protobuf'
import { join } from 'node:path'

export interface ConsoleOptions {
  /** The user's data dir: connections, secrets (web mode), lag history, embedded cluster data. */
  dataDir: string
  /**
   * A SecretStore, or Electron's safeStorage (desktop). Default: FileSecrets (web mode: a 0600
   * file under dataDir, not encrypted — secrets.status says so).
   */
  secrets?: SecretStore | SafeStorageLike
  log?: (line: string) => void
  embedded?: {
    dataDir?: string
    brokers?: number
    port?: number
    configs?: Record<string, string>
    /** Start the in-process embedded cluster now (default false: call embedded.start or embeddedStarted). */
    autoStart?: boolean
  }
  /** Lag sampling period (default 10 s); 0 disables the sampler. */
  lagIntervalMs?: number
  throughputIntervalMs?: number
}

export interface ConsoleApp {
  handlers: Handlers
  /** Receives broadcast events (cluster.event, lag.sample, throughput.sample). */
  subscribe(sink: EventSink): () => void
  /** A window/socket went away: stop its tails. */
  clientGone(clientId: string): void
  /** The embedded cluster was started elsewhere (the Electron shell) — or stopped (null). */
  embeddedStarted(bootstrap: string | null): Promise<void>
  readonly connections: ConnectionManager
  readonly embedded: EmbeddedService
  readonly lagHistory: LagHistory
  shutdown(): Promise<void>
}

function isSecretStore(x: unknown): x is SecretStore {
  return !!x && typeof (x as SecretStore).get === 'function' && typeof (x as SecretStore).status === 'function'
}

export function createConsole(opts: ConsoleOptions): ConsoleApp {
  const sinks = new Set<EventSink>()
  const broadcast: EventSink = {
    emit<E extends EventName>(event: E, payload: EventOf<E>) {
      for (const s of sinks) {
        try {
          s.emit(event, payload)
        } catch {
          /* a broken sink must not stop the others */
        }
      }
    },
  }
  const secrets: SecretStore = isSecretStore(opts.secrets)
    ? opts.secrets
    : opts.secrets
      ? new SafeStorageSecrets(opts.dataDir, opts.secrets)
      : new FileSecrets(opts.dataDir)

  // eslint-disable-next-line prefer-const
  let connections: ConnectionManager
  const embedded = new EmbeddedService({
    dataDir: opts.embedded?.dataDir ?? defaultEmbeddedDir(opts.dataDir),
    brokers: opts.embedded?.brokers,
    port: opts.embedded?.port,
    configs: opts.embedded?.configs,
    log: opts.log,
    broadcast,
    onChange: async () => {
      await connections.close('embedded')
    },
  })
  connections = new ConnectionManager({ dataDir: opts.dataDir, secrets, embeddedBootstrap: () => embedded.bootstrap(), broadcast })
  const session = (id: string) => connections.session(id)
  const lagHistory = new LagHistory(opts.dataDir)
  const throughput = new Throughput(session, broadcast, opts.throughputIntervalMs)
  const searches = new Searches()
  const operations = new Operations()
  const protos = protoRegistry(join(opts.dataDir, 'protos'))
  const tails = new Tails()

  const openSessions = async () => {
    const out = []
    for (const id of connections.openIds()) {
      try {
        out.push(await connections.session(id))
      } catch {
        /* skip */
      }
    }
    return out
  }
  const lagInterval = opts.lagIntervalMs ?? LAG_INTERVAL_MS
  if (lagInterval > 0) lagHistory.start(openSessions, broadcast, lagInterval)
  if (opts.embedded?.autoStart) embedded.start().catch((e) => opts.log?.(`embedded cluster: ${(e as Error).message}`))

  const handlers: Handlers = {
    'connections.list': async () => ({ connections: connections.list() }),
    'connections.save': (req) => connections.save(req),
    'connections.delete': async (req) => {
      throughput.untrackConnection(req.id)
      return { deleted: await connections.delete(req.id) }
    },
    'connections.test': async (req) => {
      if (req.connection) {
        const { stored, password, oauthClientSecret, tlsKey, registryPassword } = ConnectionManager.split(req.connection, req.connection.id ?? 'test')
        // Unsaved edits of a saved connection keep its stored secrets unless new ones are given.
        const saved = req.connection.id ? safeResolve(req.connection.id) : undefined
        return diagnose({
          ...stored,
          password: password ?? saved?.password,
          oauthClientSecret: oauthClientSecret ?? saved?.oauthClientSecret,
          tlsKey: tlsKey ?? saved?.tlsKey,
          registryPassword: registryPassword ?? saved?.registryPassword,
        })
      }
      return diagnose(connections.resolve(req.id!))
    },
    'connections.open': async (req) => {
      const s = await session(req.connectionId)
      const c = await s.cluster(0)
      return { connectionId: req.connectionId, clusterId: c.clusterId, brokers: c.brokers.size }
    },
    'connections.close': async (req) => {
      throughput.untrackConnection(req.connectionId)
      return { closed: await connections.close(req.connectionId) }
    },
    'secrets.status': async () => secrets.status(),

    // The same embedded.* channels as the Electron shell's, over the cluster run in this process.
    ...embeddedHandlers(embedded),

    'cluster.overview': async (req) => clusterOverview(await session(req.connectionId)),

    'topics.list': async (req) => listTopics(await session(req.connectionId), req),
    'topics.describe': async (req) => describeTopic(await session(req.connectionId), req.topic, req.withSizes),
    'topics.create': async (req) => createTopic(await session(req.connectionId), req),
    'topics.delete': async (req) => deleteTopics(await session(req.connectionId), req.topics),
    'topics.addPartitions': async (req) => addPartitions(await session(req.connectionId), req),
    'topics.purge': async (req) => purgeTopic(await session(req.connectionId), req),
    'brokers.logDirs': async (req) => describeLogDirs(await session(req.connectionId)),
    'messages.offsetRange': async (req) => offsetRange(await session(req.connectionId), req),

    'messages.read': async (req, ctx) => readMessages(await session(req.connectionId), req, { ops: operations, sink: ctx.sink }),
    'messages.search': async (req, ctx) => searches.search(await session(req.connectionId), req, ctx.sink),
    'messages.searchCancel': async (req) => ({ cancelled: searches.cancel(req.searchId) }),
    'messages.tailStart': async (req, ctx) => tails.start(await session(req.connectionId), req, ctx.sink, ctx.clientId),
    'messages.tailStop': async (req) => ({ stopped: tails.stop(req.tailId) }),
    'messages.export': (req, ctx) => exportRequest(session, req, { ops: operations, sink: ctx.sink }),
    'operations.cancel': async (req) => ({ cancelled: operations.cancel(req.opId) }),
    'protobuf.list': async () => protos.list(),
    'protobuf.add': async (req) => protos.add(req.name, req.content),
    'protobuf.delete': async (req) => protos.remove(req.name),

    'produce.send': async (req) => produceSend(await session(req.connectionId), req),
    'produce.batch': async (req) => produceBatch(await session(req.connectionId), req),
    'produce.republish': async (req) => republish(await session(req.source.connectionId), await session(req.target.connectionId), req),

    // Through kafkajs, whose retries against silent brokers take minutes: bounded (view-deadline.ts).
    'groups.list': async (req) => {
      const s = await session(req.connectionId)
      return withinDeadline(s, 'the group list', listGroups(s, req))
    },
    'groups.describe': async (req) => {
      const s = await session(req.connectionId)
      return withinDeadline(s, `group ${req.groupId}`, describeGroup(s, req.groupId))
    },
    'groups.lagHistory': async (req) => ({
      groupId: req.groupId,
      intervalMs: lagInterval || LAG_INTERVAL_MS,
      samples: lagHistory.query(req.connectionId, req.groupId, req.from, req.to),
    }),
    'groups.delete': async (req) => deleteGroups(await session(req.connectionId), req.groupIds),
    'groups.deleteOffsets': async (req) => deleteOffsets(await session(req.connectionId), req),

    'offsets.resetPreview': async (req, ctx) => planReset(await session(req.connectionId), req, false, { ops: operations, sink: ctx.sink }),
    'offsets.resetExecute': async (req, ctx) => planReset(await session(req.connectionId), req, true, { ops: operations, sink: ctx.sink }),

    'configs.describe': async (req) => describeConfigs(await session(req.connectionId), req.resource),
    'configs.alterPreview': async (req) => alterConfigs(await session(req.connectionId), req, false),
    'configs.alter': async (req) => alterConfigs(await session(req.connectionId), req, true),

    'keys.distribution': async (req) => keyDistribution(await session(req.connectionId), req),
    'throughput.series': (req) => throughput.series(req),

    'transactions.list': async (req) => listTransactions(await session(req.connectionId), req),
    'transactions.abort': async (req) => abortTransaction(await session(req.connectionId), req),

    'security.users.list': async (req) => listScramUsers(await session(req.connectionId)),
    'security.users.upsert': async (req) => upsertScramUser(await session(req.connectionId), req),
    'security.users.delete': async (req) => deleteScramUser(await session(req.connectionId), req),
    'security.acls.list': async (req) => listAcls(await session(req.connectionId)),
    'security.acls.create': async ({ connectionId, ...entry }) => createAcl(await session(connectionId), entry),
    'security.acls.delete': async ({ connectionId, ...entry }) => deleteAcl(await session(connectionId), entry),
    'security.access': async (req) => accessView(await session(req.connectionId), req),
    'security.quotas.list': async (req) => listQuotas(await session(req.connectionId)),
    'security.quotas.alter': async (req) => alterQuota(await session(req.connectionId), req),
  }

  function safeResolve(id: string) {
    try {
      return connections.resolve(id)
    } catch {
      return undefined
    }
  }

  return {
    handlers,
    subscribe(sink) {
      sinks.add(sink)
      return () => sinks.delete(sink)
    },
    clientGone(clientId) {
      tails.clientGone(clientId)
    },
    async embeddedStarted(bootstrap) {
      await embedded.attachExternal(bootstrap)
    },
    connections,
    embedded,
    lagHistory,
    async shutdown() {
      lagHistory.stop()
      throughput.stop()
      tails.stopAll()
      await connections.closeAll()
      await embedded.shutdown()
    },
  }
}

export { ContractError }
