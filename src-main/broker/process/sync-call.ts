// A synchronous call to the controller from a broker process. API handlers write metadata
// synchronously (they read their own write on the next line), as they did when the metadata
// lived in their process; a worker thread does the socket I/O while the broker's thread waits
// on a shared flag. Writes are rare admin operations, so the broker pausing for the controller's
// sub-millisecond answer costs nothing, and the controller never waits on a broker (no deadlock).
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

// Plain JavaScript run by the worker (eval'd, so it works from the bundled CLI and from sources).
const WORKER = `
const { workerData } = require('node:worker_threads')
const net = require('node:net')
const { port, host, controllerPort, flag } = workerData
const state = new Int32Array(flag)
let parts = []
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
    if (line) done(JSON.parse(line))
  }
  if (from < d.length) parts.push(d.slice(from))
})
socket.on('error', (e) => done({ error: { code: 'NOT_CONTROLLER', message: 'controller unreachable: ' + e.message } }))
socket.on('close', () => done({ error: { code: 'NOT_CONTROLLER', message: 'controller connection closed' } }))
port.on('message', (m) => socket.write(JSON.stringify(m) + '\\n'))
`

export class SyncCaller {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly flag = new Int32Array(new SharedArrayBuffer(4))

  constructor(host: string, controllerPort: number) {
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    this.worker = new Worker(WORKER, { eval: true, workerData: { port: port2, host, controllerPort, flag: this.flag.buffer }, transferList: [port2] })
    this.worker.unref()
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
    void this.worker.terminate()
  }
}
