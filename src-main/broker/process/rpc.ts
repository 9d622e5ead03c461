// The internal RPC between the controller and broker processes: JSON objects, one a line,
// over a TCP connection on 127.0.0.1 (Unix socket paths are too short on macOS and absent on
// Windows). Metadata traffic is small and rare, so readability wins over Kafka's binary framing.
import type { Socket } from 'node:net'

export function sendLine(socket: Socket, msg: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(msg)}\n`)
}

/** Calls `fn` with every JSON line that arrives on the socket. */
export function onLines(socket: Socket, fn: (msg: Record<string, unknown>) => void): void {
  let buf = ''
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => {
    buf += d
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      if (line) fn(JSON.parse(line) as Record<string, unknown>)
    }
  })
}

export interface WireError {
  code: string
  message: string
}
