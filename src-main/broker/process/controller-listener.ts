// The controller's own Kafka listener (controller.listener.names=CONTROLLER in Kafka), so that
// admin clients can bootstrap to the controller as KIP-919 lets them
// (`kafka-metadata-quorum --bootstrap-controller`, `kafka-features --bootstrap-controller`):
// they send ApiVersions, then DescribeCluster with endpoint_type=2 to learn the controllers, then
// DescribeQuorum (or read the features from ApiVersions). Only that controller API set is served,
// by the brokers' own handlers and codecs, over a metadata view that replays the controller's log
// in this process. Brokers keep talking to the controller over controller-server.ts.
import { FetchSessionCache } from '../apis/fetch-sessions'
import { createServer, type Server, type Socket } from 'node:net'
import { FrameDecoder } from '../server/framing'
import { Reader } from '../protocol/reader'
import { Writer } from '../protocol/writer'
import { readRequestHeader, skipHeaderTags, writeResponseHeader, type RequestHeader } from '../protocol/header'
import { isFlexible } from '../protocol/codec'
import { codecFor } from '../protocol/codecs'
import { ErrorCode } from '../errors'
import type { ApiDefinition, RequestContext } from '../apis/registry'
import type { BrokerServices } from '../apis/broker-services'
import apiVersions from '../apis/api-versions'
import describeCluster from '../apis/describe-cluster'
import describeQuorum from '../apis/describe-quorum'
import { BrokerConfig } from '../broker-config'
import { localMetadataView } from '../controller/local-channel'
import type { MetadataStore } from '../controller/metadata'
import type { QuorumController } from '../controller/quorum-controller'
import { setControllerListener, setQuorumSource, type QuorumInfo } from './quorum-info'

/** The listener's name, as Kafka's combined and controller nodes call it in controller.listener.names. */
export const CONTROLLER_LISTENER = 'CONTROLLER'
const API_VERSIONS = 18
/** Kafka's socket.request.max.bytes: the controller's requests are small, but the bound is the same. */
const MAX_REQUEST_BYTES = 100 * 1024 * 1024

/** What the controller API set's handlers use of a host: the metadata view, the API list, a log. */
class ControllerServices implements BrokerServices {
  readonly logDir = ''
  readonly fetchSessions = new FetchSessionCache()
  stopped = false
  readonly config: BrokerConfig

  constructor(
    readonly nodeId: number,
    readonly metadata: MetadataStore,
    private readonly apis: ReadonlyMap<number, ApiDefinition>,
    configs: Record<string, string>,
    private readonly logLine: (line: string) => void,
  ) {
    this.config = new BrokerConfig(metadata, configs)
  }

  // A controller hosts no partitions and no coordinators; its API set never reaches these.
  get groupCoordinator(): never {
    throw new Error('the controller has no group coordinator')
  }
  get transactionCoordinator(): never {
    throw new Error('the controller has no transaction coordinator')
  }
  get replicas(): never {
    throw new Error('the controller hosts no replicas')
  }
  topic(name: string) {
    return this.metadata.topics.get(name)
  }
  partitionLog(): undefined {
    return undefined
  }
  isLeader(): boolean {
    return false
  }
  notifyAppend(): void {}
  async waitForAppend(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms))
  }
  apiVersionList(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...this.apis.values()].sort((a, b) => a.key - b.key).map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }))
  }
  log(line: string): void {
    this.logLine(`[controller] ${line}`)
  }
}

export class ControllerListener {
  private server?: Server
  private readonly sockets = new Set<Socket>()
  private readonly apis = new Map<number, ApiDefinition>([apiVersions, describeCluster, describeQuorum].map((a) => [a.key, a]))
  private readonly services: ControllerServices
  readonly host: string
  port = 0

  constructor(
    private readonly controller: QuorumController,
    describeQuorumInfo: () => QuorumInfo,
    opts: { host?: string; configs?: Record<string, string>; log?: (line: string) => void } = {},
  ) {
    this.host = opts.host ?? '127.0.0.1'
    const view = localMetadataView(controller)
    setQuorumSource(view, async () => describeQuorumInfo())
    this.services = new ControllerServices(controller.nodeId, view, this.apis, opts.configs ?? {}, opts.log ?? (() => {}))
  }

  /** The listener as DescribeCluster and DescribeQuorum name it; its port is known once listening. */
  get endpoint() {
    return { nodeId: this.controller.nodeId, listenerName: CONTROLLER_LISTENER, host: this.host, port: this.port }
  }

  async listen(port = 0): Promise<number> {
    const server = createServer((s) => this.accept(s))
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, this.host, () => resolve())
    })
    const a = server.address()
    this.port = a && typeof a === 'object' ? a.port : 0
    setControllerListener(this.services.metadata, this.endpoint)
    return this.port
  }

  async close(): Promise<void> {
    this.services.stopped = true
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true)
    this.sockets.add(socket)
    // An API outside the controller set closes the connection, as Kafka's controller does.
    const decoder = new FrameDecoder(MAX_REQUEST_BYTES, (apiKey) => (this.apis.has(apiKey) ? null : `API key ${apiKey} is not served by the controller`))
    // One request at a time per connection, answered in order (Kafka's muted channel).
    let chain = Promise.resolve()
    const drop = (why: string) => {
      this.services.log(`closing connection from ${socket.remoteAddress}:${socket.remotePort}: ${why}`)
      socket.destroy()
    }
    socket.on('error', () => {})
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('data', (data) => {
      let frames: Buffer[]
      try {
        frames = decoder.push(data)
      } catch (e) {
        drop((e as Error).message)
        return
      }
      for (const frame of frames) {
        chain = chain.then(async () => {
          if (socket.destroyed) return
          try {
            await this.handle(socket, frame)
          } catch (e) {
            drop(`request failed: ${(e as Error).message}`)
          }
        })
      }
    })
  }

  private async handle(socket: Socket, frame: Buffer): Promise<void> {
    const r = new Reader(frame)
    const header = readRequestHeader(r)
    const api = this.apis.get(header.apiKey)
    if (!api) throw new Error(`API key ${header.apiKey} is not served by the controller`)
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (header.apiKey !== API_VERSIONS) throw new Error(`${api.name} v${header.apiVersion} is not supported`)
      // KIP-511: a too-new ApiVersions request gets a v0-format answer listing what is supported.
      this.write(socket, header, api, 0, 0, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.services.apiVersionList() })
      return
    }
    const codec = codecFor(header.apiKey)
    if (isFlexible(codec.request.spec, header.apiVersion)) skipHeaderTags(r)
    const request = codec.request.decode(r, header.apiVersion)
    const ctx: RequestContext = {
      broker: this.services,
      header,
      apiVersion: header.apiVersion,
      clientId: header.clientId,
      clientAddress: `${socket.remoteAddress}:${socket.remotePort}`,
    }
    const body = await api.handle(request, ctx)
    if (body === undefined || socket.destroyed) return
    // ApiVersions responses always use header v0 so any client can read them.
    const headerVersion = api.key !== API_VERSIONS && isFlexible(codec.response.spec, header.apiVersion) ? 1 : 0
    this.write(socket, header, api, header.apiVersion, headerVersion, body)
  }

  private write(socket: Socket, header: RequestHeader, api: ApiDefinition, version: number, headerVersion: number, body: unknown): void {
    const w = new Writer(1024)
    w.int32(0)
    writeResponseHeader(w, header.correlationId, headerVersion)
    codecFor(api.key).response.at(version).encode(w, body)
    const chunks = w.finish()
    chunks[0]!.writeInt32BE(w.length - 4, 0)
    socket.cork()
    for (const c of chunks) socket.write(c)
    socket.uncork()
  }
}
