// A synchronous call to the controller from a broker process. API handlers write metadata
// synchronously (they read their own write on the next line), as they did when the metadata
// lived in their process; a worker thread does the socket I/O while the broker's thread waits
// on a shared flag. Writes are rare admin operations, so the broker pausing for the controller's
// sub-millisecond answer costs nothing, and the controller never waits on a broker (no deadlock).
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

// Plain JavaScript run by the worker (eval'd, so it works from the bundled CLI and from sources).
// Besides answering synchronous calls it sends the broker's heartbeats, on its own timer: a
// broker whose thread is busy for seconds (replaying the metadata of thousands of new
// partitions, opening their logs) still heartbeats, as a Kafka broker's lifecycle thread does,
// and is not fenced for being busy. Heartbeat replies (id 'hb') go to their own port.
const WORKER = `
const { workerData } = require('node:worker_threads')
const net = require('node:net')
const { port, events, host, controllerPort, flag, shared } = workerData
const state = new Int32Array(flag)
// shared: Int32 [0] = cut off by a network-partition fault; Float64 at byte 8 = replayed metadata offset
const cut = new Int32Array(shared, 0, 2)
const offset = new Float64Array(shared, 8, 1)
let parts = []
let heartbeat = null
const socket = net.createConnection({ host, port: controllerPort })
socket.setNoDelay(true)
socket.setEncoding('utf8')
const done = (msg) => { port.postMessage(msg); Atomics.store(state, 0, 1); Atomics.notify(state, 0) }
socket.on('data', (d) => {
  // only the new chunk is searched for a line's end: a 10 MB answer comes in ~160 chunks
  let from = 0
  let nl
  while ((nl = d.indexOf('\\n', from)) >= 0) {
    parts.push(d.slice(from, nl))
    const line = parts.join('')
    parts = []
    from = nl + 1
    if (!line) continue
    const msg = JSON.parse(line)
    if (msg.id === 'hb') { if (msg.error && Atomics.load(cut, 0) === 0) events.postMessage({ t: 'sessionLost', error: msg.error }) }
    else done(msg)
  }
  if (from < d.length) parts.push(d.slice(from))
})
socket.on('error', (e) => done({ error: { code: 'NOT_CONTROLLER', message: 'controller unreachable: ' + e.message } }))
socket.on('close', () => done({ error: { code: 'NOT_CONTROLLER', message: 'controller connection closed' } }))
port.on('message', (m) => socket.write(JSON.stringify(m) + '\\n'))
events.on('message', (m) => {
  clearInterval(heartbeat)
  if (m.t !== 'session') return
  const beat = () => { if (Atomics.load(cut, 0) === 0) socket.write(JSON.stringify({ id: 'hb', t: 'heartbeat', brokerId: m.brokerId, epoch: m.epoch, offset: offset[0] }) + '\\n') }
  beat()
  heartbeat = setInterval(beat, m.intervalMs)
})
`

export class SyncCaller {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly events: MessagePort
  private readonly flag = new Int32Array(new SharedArrayBuffer(4))
  private readonly shared = new SharedArrayBuffer(16)
  private readonly cutFlag = new Int32Array(this.shared, 0, 2)
  private readonly offset = new Float64Array(this.shared, 8, 1)

  /** `onSessionLost`: the controller refused a heartbeat (fenced, stale broker epoch). */
  constructor(host: string, controllerPort: number, onSessionLost: (error: string) => void = () => {}) {
    const { port1, port2 } = new MessageChannel()
    const events = new MessageChannel()
    this.port = port1
    this.events = events.port1
    this.events.on('message', (m: { t: string; error: string }) => {
      if (m.t === 'sessionLost') onSessionLost(m.error)
    })
    this.events.unref()
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { port: port2, events: events.port2, host, controllerPort, flag: this.flag.buffer, shared: this.shared },
      transferList: [port2, events.port2],
    })
    this.worker.unref()
  }

  /** Heartbeats for this broker session from the worker every `intervalMs`, with the offset last given to progress(). */
  heartbeat(brokerId: number, epoch: number, intervalMs: number): void {
    this.events.postMessage({ t: 'session', brokerId, epoch, intervalMs })
  }

  /** The last metadata offset this broker replayed, sent with every heartbeat. */
  progress(offset: number): void {
    this.offset[0] = offset
  }

  /** Network-partition fault: no heartbeat leaves while set. */
  setCut(on: boolean): void {
    Atomics.store(this.cutFlag, 0, on ? 1 : 0)
  }
  /** Sends `msg` and blocks until the answer (or `timeoutMs`). */
  call(msg: Record<string, unknown>, timeoutMs = 15_000): Record<string, unknown> {
    Atomics.store(this.flag, 0, 0)
    this.port.postMessage(msg)
    const end = Date.now() + timeoutMs
    for (;;) {
      const got = receiveMessageOnPort(this.port)
      if (got) return got.message as Record<string, unknown>
      const left = end - Date.now()
      if (left <= 0) return { error: { code: 'REQUEST_TIMED_OUT', message: `the controller did not answer within ${timeoutMs} ms` } }
      Atomics.wait(this.flag, 0, 0, left)
      Atomics.store(this.flag, 0, 0)
    }
  }

  close(): void {
    this.events.close()
    void this.worker.terminate()
  }
}
