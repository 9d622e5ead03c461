// Saved connections and open sessions. Connection settings live in connections.json under the
// data dir without secrets; passwords and private keys go through the SecretStore. Several
// connections can be open at once; the embedded cluster is the built-in connection 'embedded'.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { ConnectionOptions } from 'node:tls'
import kafkajs from 'kafkajs'
import type { Admin, Kafka as KafkaClient, KafkaConfig, SASLOptions } from 'kafkajs'
import { ContractError, EMBEDDED_CONNECTION_ID, type ConnectionInfo, type ConnectionInput, type EventSink } from '../ipc/contract'
import { RawPool, type RawAuth } from './raw-client'
import { OAuthBearerTokens, type OAuthBearerSource } from './oauth-token'
import type { SecretStore } from './secrets'
import { registerCompressionCodecs } from './codecs'
import { SchemaRegistry } from './schema-registry'
import { fetchMetadata } from './metadata'
import { Producers } from './producers'

// kafkajs is CommonJS: Node's ESM loader cannot see all of its named exports.
const { Kafka, logLevel } = kafkajs

export interface StoredConnection {
  id: string
  name: string
  bootstrapServers: string[]
  clientId?: string
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer'; username: string; oauth?: StoredOAuthBearer }
  tls?: { enabled: boolean; ca?: string; cert?: string; skipVerify?: boolean }
  schemaRegistry?: { url: string; username?: string }
  connectionTimeoutMs?: number
  requestTimeoutMs?: number
}

/** An OAUTHBEARER token source without its secret (the client secret lives in the SecretStore). */
export type StoredOAuthBearer =
  | { kind: 'oidc'; tokenEndpointUrl: string; clientId: string; scope?: string }
  | { kind: 'unsecured-jwt'; principal: string; scope?: string; lifetimeSeconds?: number }

/** A connection with its secrets, ready to build clients from. */
export interface ResolvedConnection extends StoredConnection {
  password?: string
  oauthClientSecret?: string
  tlsKey?: string
  registryPassword?: string
}

export const SKIP_VERIFY_WARNING =
  'TLS certificate verification is off for this connection, so anyone on the network path can impersonate the cluster. Use only for testing.'

/** The token source of an OAUTHBEARER connection, else undefined. */
export function oauthTokensFor(c: ResolvedConnection): OAuthBearerTokens | undefined {
  const o = c.sasl?.mechanism === 'oauthbearer' ? c.sasl.oauth : undefined
  if (!o) return undefined
  const source: OAuthBearerSource = o.kind === 'oidc' ? { ...o, clientSecret: c.oauthClientSecret } : o
  return new OAuthBearerTokens(source, c.connectionTimeoutMs ?? 10_000)
}

/** `tokens`: pass the session's token source so kafkajs and the raw clients share one token. */
export function kafkaConfigFor(c: ResolvedConnection, tokens = oauthTokensFor(c)): KafkaConfig {
  registerCompressionCodecs()
  let sasl: SASLOptions | undefined
  if (c.sasl?.mechanism === 'oauthbearer') {
    if (!tokens) throw new ContractError('VALIDATION', 'an OAUTHBEARER connection needs a token source', 'sasl.oauth')
    sasl = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await tokens.token() }) }
  } else if (c.sasl) sasl = { mechanism: c.sasl.mechanism, username: c.sasl.username, password: c.password ?? '' } as SASLOptions
  return {
    clientId: c.clientId ?? 'kafkadesk',
    brokers: c.bootstrapServers,
    ssl: tlsOptions(c),
    sasl,
    connectionTimeout: c.connectionTimeoutMs ?? 5_000,
    requestTimeout: c.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 2_000 },
  }
}

export function tlsOptions(c: ResolvedConnection): ConnectionOptions | undefined {
  if (!c.tls?.enabled) return undefined
  return {
    ca: c.tls.ca ? [c.tls.ca] : undefined,
    cert: c.tls.cert,
    key: c.tlsKey,
    rejectUnauthorized: !c.tls.skipVerify,
  }
}

export function rawAuthFor(c: ResolvedConnection, tokens = oauthTokensFor(c)): RawAuth {
  let sasl: RawAuth['sasl']
  if (c.sasl?.mechanism === 'oauthbearer') {
    if (!tokens) throw new ContractError('VALIDATION', 'an OAUTHBEARER connection needs a token source', 'sasl.oauth')
    sasl = { mechanism: 'oauthbearer', token: () => tokens.token() }
  } else if (c.sasl) sasl = { mechanism: c.sasl.mechanism, username: c.sasl.username, password: c.password ?? '' }
  return {
    tls: tlsOptions(c),
    sasl,
    clientId: c.clientId ?? 'kafkadesk',
    connectTimeoutMs: c.connectionTimeoutMs ?? 5_000,
    requestTimeoutMs: c.requestTimeoutMs ?? 30_000,
  }
}

/** An open connection: kafkajs admin (+ producer on demand), raw clients per broker. */
export class Session {
  readonly kafka: KafkaClient
  readonly admin: Admin
  readonly raw: RawPool
  readonly registry?: SchemaRegistry
  /** kafkajs producers, lent per send (see producers.ts). */
  readonly producers: Producers
  private brokersCache?: { at: number; brokers: Map<number, string>; controller: number | null; clusterId: string | null }
  private readonly seenAddresses = new Map<string, number>()

  constructor(
    readonly id: string,
    readonly config: ResolvedConnection,
  ) {
    const tokens = oauthTokensFor(config)
    this.kafka = new Kafka(kafkaConfigFor(config, tokens))
    this.admin = this.kafka.admin()
    this.raw = new RawPool(rawAuthFor(config, tokens))
    this.producers = new Producers(this.kafka)
    if (config.schemaRegistry) this.registry = new SchemaRegistry(config.schemaRegistry.url, config.schemaRegistry.username, config.registryPassword)
  }

  async connect(): Promise<void> {
    if (this.config.sasl?.mechanism === 'oauthbearer') await this.authenticateRaw()
    await this.admin.connect()
    // Learn every broker's address now, so a broker that stops later is still named by its id.
    await this.cluster(0).catch(() => undefined)
  }

  /**
   * kafkajs takes an OAUTHBEARER error challenge for success, and the refusal then shows only as a
   * closed connection on its next request; the raw client reads the challenge, so it authenticates
   * first and a refused token or token endpoint is reported in the broker's (or endpoint's) words.
   */
  private async authenticateRaw(): Promise<void> {
    for (const address of this.config.bootstrapServers) {
      try {
        await this.raw.get(address)
        return
      } catch (e) {
        if (/^(AUTH|OAUTH_)/.test((e as ContractError).code ?? '')) throw e
      }
    }
  }

  /** Brokers (nodeId → host:port), controller and cluster id; cached for a few seconds. */
  async cluster(maxAgeMs = 5_000): Promise<{ brokers: Map<number, string>; controller: number | null; clusterId: string | null }> {
    if (this.brokersCache && Date.now() - this.brokersCache.at < maxAgeMs) return this.brokersCache
    const d = await fetchMetadata(this, [])
    const brokers = new Map(d.brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]))
    for (const [nodeId, address] of brokers) this.seenAddresses.set(address, nodeId)
    this.brokersCache = { at: Date.now(), brokers, controller: d.controllerId, clusterId: d.clusterId }
    return this.brokersCache
  }

  /** Where to send a cluster-wide request: known brokers first, then the bootstrap servers. */
  async candidateAddresses(): Promise<string[]> {
    const known = this.brokersCache ? [...this.brokersCache.brokers.entries()].sort((a, b) => a[0] - b[0]).map(([, a]) => a) : []
    return [...new Set([...known, ...this.config.bootstrapServers])]
  }

  /**
   * The broker last seen at an address. A stopped broker drops out of the metadata, but a
   * client's socket error still names its address; this turns that back into its id.
   */
  nodeIdAt(address: string): number | undefined {
    return this.seenAddresses.get(address)
  }

  async brokerAddress(nodeId: number): Promise<string> {
    let addr = (await this.cluster()).brokers.get(nodeId)
    if (!addr) addr = (await this.cluster(0)).brokers.get(nodeId)
    if (!addr) throw new ContractError('NOT_FOUND', `broker ${nodeId} is not in the cluster metadata`)
    return addr
  }

  async anyBroker(): Promise<{ nodeId: number; address: string }> {
    const c = await this.cluster()
    const all = [...c.brokers.entries()].sort((a, b) => a[0] - b[0])
    if (!all.length) throw new ContractError('CONNECTION', 'the cluster reports no brokers')
    for (const [nodeId, address] of all) {
      try {
        await this.raw.get(address)
        return { nodeId, address }
      } catch {
        /* try the next one */
      }
    }
    return { nodeId: all[0]![0], address: all[0]![1] }
  }

  async close(): Promise<void> {
    this.raw.close()
    await Promise.allSettled([this.admin.disconnect(), this.producers.close()])
  }
}

export interface ConnectionsOptions {
  dataDir: string
  secrets: SecretStore
  /** Bootstrap of the embedded cluster when it runs, else null. */
  embeddedBootstrap: () => string | null
  broadcast?: EventSink
}

export class ConnectionManager {
  private saved = new Map<string, StoredConnection>()
  private sessions = new Map<string, Promise<Session>>()
  private readonly file: string

  constructor(private readonly opts: ConnectionsOptions) {
    this.file = join(opts.dataDir, 'connections.json')
    if (existsSync(this.file)) {
      try {
        for (const c of JSON.parse(readFileSync(this.file, 'utf8')) as StoredConnection[]) this.saved.set(c.id, c)
      } catch {
        /* a damaged file starts empty; it is rewritten on the next save */
      }
    }
  }

  private persist(): void {
    mkdirSync(this.opts.dataDir, { recursive: true })
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify([...this.saved.values()], null, 2), { mode: 0o600 })
    renameSync(tmp, this.file)
  }

  private info(c: StoredConnection, kind: 'embedded' | 'remote'): ConnectionInfo {
    const s = this.opts.secrets
    const warnings: string[] = []
    if (c.tls?.enabled && c.tls.skipVerify) warnings.push(SKIP_VERIFY_WARNING)
    return {
      id: c.id,
      name: c.name,
      kind,
      bootstrapServers: c.bootstrapServers,
      clientId: c.clientId,
      sasl: c.sasl
        ? {
            mechanism: c.sasl.mechanism,
            username: c.sasl.username,
            hasPassword: s.get(`conn:${c.id}:sasl.password`) !== undefined,
            ...(c.sasl.oauth ? { oauth: { ...c.sasl.oauth, hasClientSecret: s.get(`conn:${c.id}:sasl.oauth.clientSecret`) !== undefined } } : {}),
          }
        : undefined,
      tls: c.tls
        ? {
            enabled: c.tls.enabled,
            hasCa: !!c.tls.ca,
            hasCert: !!c.tls.cert,
            hasKey: s.get(`conn:${c.id}:tls.key`) !== undefined,
            skipVerify: !!c.tls.skipVerify,
          }
        : undefined,
      schemaRegistry: c.schemaRegistry
        ? { url: c.schemaRegistry.url, username: c.schemaRegistry.username, hasPassword: s.get(`conn:${c.id}:registry.password`) !== undefined }
        : undefined,
      connectionTimeoutMs: c.connectionTimeoutMs,
      requestTimeoutMs: c.requestTimeoutMs,
      open: this.sessions.has(c.id),
      warnings,
    }
  }

  private embeddedStored(): StoredConnection {
    const b = this.opts.embeddedBootstrap()
    return { id: EMBEDDED_CONNECTION_ID, name: 'Embedded cluster', bootstrapServers: b ? b.split(',') : [] }
  }

  list(): ConnectionInfo[] {
    return [this.info(this.embeddedStored(), 'embedded'), ...[...this.saved.values()].map((c) => this.info(c, 'remote'))]
  }

  get(id: string): ConnectionInfo {
    if (id === EMBEDDED_CONNECTION_ID) return this.info(this.embeddedStored(), 'embedded')
    const c = this.saved.get(id)
    if (!c) throw new ContractError('NOT_FOUND', `no connection ${id}`, 'connectionId')
    return this.info(c, 'remote')
  }

  /** Splits input into stored settings and secrets (not persisted). */
  static split(
    input: ConnectionInput,
    id: string,
  ): { stored: StoredConnection; password?: string; oauthClientSecret?: string; tlsKey?: string; registryPassword?: string } {
    const o = input.sasl?.mechanism === 'oauthbearer' ? input.sasl.oauth : undefined
    const oauth: StoredOAuthBearer | undefined = !o
      ? undefined
      : o.kind === 'oidc'
        ? { kind: 'oidc', tokenEndpointUrl: o.tokenEndpointUrl, clientId: o.clientId, scope: o.scope }
        : { kind: 'unsecured-jwt', principal: o.principal, scope: o.scope, lifetimeSeconds: o.lifetimeSeconds }
    const stored: StoredConnection = {
      id,
      name: input.name,
      bootstrapServers: input.bootstrapServers,
      clientId: input.clientId,
      sasl: input.sasl ? { mechanism: input.sasl.mechanism, username: input.sasl.username, ...(oauth ? { oauth } : {}) } : undefined,
      tls: input.tls ? { enabled: input.tls.enabled, ca: input.tls.ca, cert: input.tls.cert, skipVerify: input.tls.skipVerify } : undefined,
      schemaRegistry: input.schemaRegistry ? { url: input.schemaRegistry.url, username: input.schemaRegistry.username } : undefined,
      connectionTimeoutMs: input.connectionTimeoutMs,
      requestTimeoutMs: input.requestTimeoutMs,
    }
    const oauthClientSecret = o?.kind === 'oidc' ? o.clientSecret : undefined
    return { stored, password: input.sasl?.password, oauthClientSecret, tlsKey: input.tls?.key, registryPassword: input.schemaRegistry?.password }
  }

  async save(input: ConnectionInput): Promise<{ connection: ConnectionInfo; warnings: string[] }> {
    if (input.id === EMBEDDED_CONNECTION_ID) throw new ContractError('VALIDATION', 'the embedded connection cannot be edited', 'id')
    const id = input.id ?? randomUUID()
    if (input.id && !this.saved.has(input.id)) throw new ContractError('NOT_FOUND', `no connection ${input.id}`, 'id')
    const { stored, password, oauthClientSecret, tlsKey, registryPassword } = ConnectionManager.split(input, id)
    const s = this.opts.secrets
    if (password !== undefined) s.set(`conn:${id}:sasl.password`, password)
    if (!stored.sasl) s.delete(`conn:${id}:sasl.password`)
    if (oauthClientSecret !== undefined) s.set(`conn:${id}:sasl.oauth.clientSecret`, oauthClientSecret)
    if (stored.sasl?.oauth?.kind !== 'oidc') s.delete(`conn:${id}:sasl.oauth.clientSecret`)
    if (tlsKey !== undefined) s.set(`conn:${id}:tls.key`, tlsKey)
    if (!stored.tls) s.delete(`conn:${id}:tls.key`)
    if (registryPassword !== undefined) s.set(`conn:${id}:registry.password`, registryPassword)
    if (!stored.schemaRegistry) s.delete(`conn:${id}:registry.password`)
    this.saved.set(id, stored)
    this.persist()
    await this.close(id) // settings changed: the next use opens a fresh session
    const connection = this.info(stored, 'remote')
    return { connection, warnings: connection.warnings }
  }

  async delete(id: string): Promise<boolean> {
    if (id === EMBEDDED_CONNECTION_ID) throw new ContractError('VALIDATION', 'the embedded connection cannot be deleted', 'id')
    await this.close(id)
    const had = this.saved.delete(id)
    this.opts.secrets.deletePrefix(`conn:${id}:`)
    if (had) this.persist()
    return had
  }

  resolve(id: string): ResolvedConnection {
    if (id === EMBEDDED_CONNECTION_ID) {
      const c = this.embeddedStored()
      if (!c.bootstrapServers.length) throw new ContractError('CONNECTION', 'the embedded cluster is not running; start it first')
      return c
    }
    const c = this.saved.get(id)
    if (!c) throw new ContractError('NOT_FOUND', `no connection ${id}`, 'connectionId')
    const s = this.opts.secrets
    return {
      ...c,
      password: s.get(`conn:${id}:sasl.password`),
      oauthClientSecret: s.get(`conn:${id}:sasl.oauth.clientSecret`),
      tlsKey: s.get(`conn:${id}:tls.key`),
      registryPassword: s.get(`conn:${id}:registry.password`),
    }
  }

  /** The open session, opening it on first use. */
  session(id: string): Promise<Session> {
    let p = this.sessions.get(id)
    if (p) return p
    const config = this.resolve(id)
    p = (async () => {
      const s = new Session(id, config)
      try {
        await s.connect()
      } catch (e) {
        await s.close()
        throw e
      }
      return s
    })()
    this.sessions.set(id, p)
    p.then(
      () => this.opts.broadcast?.emit('cluster.event', { type: 'connection', at: Date.now(), connectionId: id, state: 'open' }),
      (e: Error) => {
        this.sessions.delete(id)
        this.opts.broadcast?.emit('cluster.event', { type: 'connection', at: Date.now(), connectionId: id, state: 'error', message: e.message })
      },
    )
    return p
  }

  openIds(): string[] {
    return [...this.sessions.keys()]
  }

  async close(id: string): Promise<boolean> {
    const p = this.sessions.get(id)
    if (!p) return false
    this.sessions.delete(id)
    const s = await p.catch(() => undefined)
    await s?.close()
    this.opts.broadcast?.emit('cluster.event', { type: 'connection', at: Date.now(), connectionId: id, state: 'closed' })
    return true
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)))
  }
}
