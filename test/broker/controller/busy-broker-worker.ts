// A broker's side of the controller link (process/controller-client.ts), run in a worker thread
// by heartbeat-thread.test.ts so the test can block this thread's event loop, as a broker busy
// with thousands of new partitions is blocked, while the controller runs in the test's thread.
import { parentPort, workerData } from 'node:worker_threads'
import { ControllerClient } from '../../../src-main/broker/process/controller-client'

const { port, heartbeatWorker } = workerData as { port: number; heartbeatWorker: boolean }
const client = new ControllerClient('127.0.0.1', port)

async function start(): Promise<void> {
  const view = await client.connect()
  view.registration = { session: true }
  const epoch = await view.registerBrokerAsync({ nodeId: 1, host: '127.0.0.1', port: 9999, rack: null })
  client.startSession(1, epoch, 100)
  // What a broker process does once ready: the worker that also heartbeats starts.
  if (heartbeatWorker) client.warm()
  parentPort!.postMessage({ t: 'ready' })
}

// Loaded with require() (tsx's CommonJS loader): no top-level await.
void start()
parentPort!.on('message', (m: { t: string; ms?: number }) => {
  if (m.t === 'block') {
    // Busy, not waiting: the event loop runs nothing for this long.
    const end = Date.now() + m.ms!
    while (Date.now() < end) {
      // spin
    }
    parentPort!.postMessage({ t: 'unblocked' })
  } else if (m.t === 'close') {
    client.close()
    parentPort!.close()
  }
})
