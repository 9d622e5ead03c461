// The console under test, connected to the cluster the run targets:
// - default: the embedded cluster started in-process by the console itself (EmbeddedCluster,
//   port 0, a temp data dir) and used through the built-in 'embedded' connection;
// - KAFKADESK_TARGET=kafka (or KAFKADESK_BOOTSTRAP): test/interop/target.ts startTarget() — real
//   Apache Kafka — used through a saved remote connection.
// Either way the tests only talk to the console's handlers, as the UI does.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  dispatch,
  EMBEDDED_CONNECTION_ID,
  type ChannelName,
  type EventName,
  type EventOf,
  type HandlerContext,
  type RequestInputOf,
  type ResponseOf,
} from '../../src-main/ipc/contract'
import { createConsole, type ConsoleApp } from '../../src-main/console/handlers'
import { MemorySecrets } from '../../src-main/console/secrets'
import { startCluster, startTarget, targetKind, type ClusterTarget, type Target, type TargetKind } from '../interop/target'

export interface Events {
  list: { event: EventName; payload: unknown }[]
  of<E extends EventName>(e: E): EventOf<E>[]
}

export interface Harness {
  app: ConsoleApp
  kind: TargetKind
  connectionId: string
  bootstrap: string
  dataDir: string
  events: Events
  ctx: HandlerContext
  /** Calls a channel through dispatch() (validation included); throws the ErrorShape on failure. */
  call<C extends ChannelName>(channel: C, req: RequestInputOf<C>): Promise<ResponseOf<C>>
  /** Takes one broker away (embedded: embedded.broker.stop; a Kafka cluster target: kill -9). */
  stopBroker(nodeId: number): Promise<void>
  /** Like call, but returns the Result. */
  tryCall<C extends ChannelName>(
    channel: C,
    req: unknown,
  ): Promise<{ ok: true; value: ResponseOf<C> } | { ok: false; error: { code: string; message: string; field?: string } }>
  stop(): Promise<void>
}

export interface HarnessOptions {
  /** Brokers of the embedded cluster (default 1). */
  brokers?: number
  /** Nodes of the real-Kafka target (default 1: a single node; more start a Kafka cluster). */
  kafkaBrokers?: number
  lagIntervalMs?: number
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-console-'))
  const kind = targetKind()
  let target: Pick<Target, 'bootstrap' | 'stop'> | undefined
  let cluster: ClusterTarget | undefined
  const app = createConsole({
    dataDir,
    secrets: new MemorySecrets(),
    lagIntervalMs: opts.lagIntervalMs ?? 0,
    embedded: { brokers: opts.brokers ?? 1, port: 0 },
  })
  const list: Events['list'] = []
  const events: Events = {
    list,
    of: <E extends EventName>(e: E) => list.filter((x) => x.event === e).map((x) => x.payload as EventOf<E>),
  }
  const sink = { emit: (event: EventName, payload: unknown) => void list.push({ event, payload }) }
  app.subscribe(sink)
  const ctx: HandlerContext = { sink, clientId: 'test-client' }
  const call = async <C extends ChannelName>(channel: C, req: RequestInputOf<C>): Promise<ResponseOf<C>> => {
    const r = await dispatch(app.handlers, channel, req, ctx)
    if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), r.error)
    return r.value as ResponseOf<C>
  }
  const tryCall = (channel: ChannelName, req: unknown) => dispatch(app.handlers, channel, req, ctx) as never
  let connectionId: string
  let bootstrap: string
  if (kind === 'kafka') {
    if ((opts.kafkaBrokers ?? 1) > 1) target = cluster = await startCluster({ brokers: opts.kafkaBrokers!, kind: 'kafka' })
    else target = await startTarget()
    bootstrap = target.bootstrap
    const saved = await call('connections.save', { name: 'kafka under test', bootstrapServers: bootstrap.split(',') })
    connectionId = saved.connection.id
  } else {
    const st = await call('embedded.start', { brokers: opts.brokers ?? 1 })
    bootstrap = st.bootstrap!
    connectionId = EMBEDDED_CONNECTION_ID
  }
  return {
    app,
    kind,
    connectionId,
    bootstrap,
    dataDir,
    events,
    ctx,
    call,
    tryCall,
    async stopBroker(nodeId) {
      if (kind === 'embedded') await call('embedded.broker.stop', { nodeId })
      else if (cluster) await cluster.kill(nodeId)
      else throw new Error('stopBroker: the single-node Kafka target has no broker to spare (use kafkaBrokers)')
    },
    async stop() {
      await app.shutdown()
      await target?.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
