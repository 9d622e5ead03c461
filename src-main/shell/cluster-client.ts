// The shell's client of the embedded cluster's utility process (src-main/cluster-process.ts):
// forks it, relays its broker processes (only the main process may start utility processes),
// and calls its methods over the parent port:
//   here → cluster   {id, method, args}   {broker: …}
//   cluster → here   {id, ok, result | error}   {event, payload}   {ready: status} | {failed: message}   {broker: …}
import { utilityProcess, type UtilityProcess } from 'electron'
import { BrokerRelay } from '../console/embedded-spawner'
import type { EmbeddedService } from '../console/embedded'
import type { ClusterMethod } from '../cluster-process'
import { ContractError, type EmbeddedStatus, type ErrorShape } from '../ipc/contract'

/** What each method of the cluster process takes and answers: those of the EmbeddedService it runs. */
type MethodArgs<M extends ClusterMethod> = Parameters<EmbeddedService[M]>
type MethodResult<M extends ClusterMethod> = Awaited<ReturnType<EmbeddedService[M]>>

type BrokerRelayMessage = Parameters<BrokerRelay['handle']>[0]

/** One message of the cluster process (see the protocol above). */
type FromCluster = {
  id?: number
  ok?: boolean
  result?: unknown
  error?: ErrorShape
  event?: string
  payload?: unknown
  ready?: EmbeddedStatus
  failed?: string
  broker?: BrokerRelayMessage
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

export interface ClusterProcessOptions {
  /** The bundled cluster-process entry (out/main/cluster-process.js). */
  entry: string
  brokers: number
  dataDir: string
  log: (line: string) => void
  /** A contract event the cluster emitted (cluster.event …), for the windows. */
  onEvent: (event: string, payload: unknown) => void
}

function isEmbeddedEvent(event: string, payload: unknown): payload is { type: 'embedded'; status: EmbeddedStatus } {
  return event === 'cluster.event' && typeof payload === 'object' && payload !== null && (payload as { type?: unknown }).type === 'embedded'
}

/** The utility process running the embedded cluster, and calls into it. */
export class ClusterProcess {
  private child: UtilityProcess | null = null
  private nextId = 1
  private pending = new Map<number, Pending>()
  private exited: Promise<void> = Promise.resolve()
  private status: EmbeddedStatus | null = null

  constructor(private readonly options: ClusterProcessOptions) {}

  /**
   * Forks the process; resolves with the cluster's status once its brokers listen. `secure`
   * starts it as `kafkadesk cluster --secure` (its status then carries the listeners and client settings).
   */
  start(port: number, brokers = this.options.brokers, options: { secure?: boolean } = {}): Promise<EmbeddedStatus> {
    return new Promise((resolve, reject) => {
      const { entry } = this.options
      const args = ['--brokers', String(brokers), '--port', String(port), '--data-dir', this.options.dataDir]
      if (options.secure) args.push('--secure')
      const child = utilityProcess.fork(entry, args, { stdio: 'pipe', serviceName: 'Kafkadesk cluster' })
      this.child = child
      // Its broker processes: only this process may start utility processes (console/embedded-spawner.ts).
      const relay = new BrokerRelay((p, a, o) => utilityProcess.fork(p, a, o), entry)
      let settled = false
      this.exited = new Promise((done) =>
        child.once('exit', (code: number) => {
          relay.killAll()
          if (this.child === child) this.child = null
          for (const p of this.pending.values()) p.reject(new ContractError('INTERNAL', `the cluster process exited (code ${code})`))
          this.pending.clear()
          if (!settled) reject(new Error(`the cluster process exited with code ${code} before it was ready`))
          else this.options.log(`cluster process exited with code ${code}`)
          settled = true
          done()
        }),
      )
      child.stderr?.on('data', (d: Buffer) => this.options.log(d.toString().trimEnd()))
      child.stdout?.on('data', (d: Buffer) => this.options.log(d.toString().trimEnd()))
      child.on('message', (m: FromCluster) => {
        if (m.broker) relay.handle(m.broker, child)
        else if (m.ready && !settled) {
          settled = true
          this.status = m.ready
          resolve(m.ready)
        } else if (m.failed !== undefined && !settled) {
          settled = true
          reject(new Error(m.failed))
        } else if (typeof m.event === 'string') {
          if (isEmbeddedEvent(m.event, m.payload)) this.status = m.payload.status
          this.options.onEvent(m.event, m.payload)
        } else if (typeof m.id === 'number') {
          const p = this.pending.get(m.id)
          this.pending.delete(m.id)
          if (!p) return
          if (m.ok) p.resolve(m.result)
          else p.reject(new ContractError(m.error?.code ?? 'INTERNAL', m.error?.message ?? 'cluster process error', m.error?.field))
        }
      })
    })
  }

  get running(): boolean {
    return this.child !== null
  }

  /** Calls one EmbeddedService method in the cluster process. */
  call<M extends ClusterMethod>(method: M, ...args: MethodArgs<M>): Promise<MethodResult<M>> {
    const child = this.child
    if (!child) return Promise.reject(new ContractError('CONFLICT', 'the embedded cluster is not running'))
    const id = this.nextId++
    return new Promise<MethodResult<M>>((resolve, reject) => {
      // The process answers with what the method returned (structured-cloned).
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      child.postMessage({ id, method, args })
    })
  }

  lastStatus(): EmbeddedStatus | null {
    return this.status
  }

  /** Stops the brokers (logs flushed), then ends the process. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    await Promise.race([this.call('stop').catch(() => {}), new Promise((r) => setTimeout(r, 10_000))])
    child.kill()
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5_000))])
  }
}

/** Kafka's usual port when it is free (so clients find the cluster where they expect it), else free ports. */
export async function startOnKafkaPort(cluster: ClusterProcess, log: (line: string) => void): Promise<EmbeddedStatus> {
  try {
    return await cluster.start(9092)
  } catch (e) {
    const message = (e as Error).message
    const taken = /EADDRINUSE|address already in use/i.test(message) ? (/:(\d+)\b/.exec(message)?.[1] ?? '9092') : null
    log(taken ? `port ${taken} is taken: the embedded cluster uses free ports instead` : `embedded cluster on port 9092 failed (${message}); trying free ports`)
    return cluster.start(0)
  }
}
