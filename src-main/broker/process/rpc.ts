// The internal RPC between the controller and broker processes: JSON objects, one a line,
// over a TCP connection on 127.0.0.1 (Unix socket paths are too short on macOS and absent on
// Windows). Metadata traffic is small and rare, so readability wins over Kafka's binary framing.
import type { Socket } from 'node:net'

export function sendLine(socket: Socket, msg: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(msg)}\n`)
}

/**
 * Calls `fn` with every JSON line that arrives on the socket. Only the new chunk is searched for
 * the end of a line: a 10 MB line (50,000 partition changes) arrives in ~160 chunks, and
 * searching the whole buffer after each made reading it quadratic.
 */
export function onLines(socket: Socket, fn: (msg: Record<string, unknown>) => void): void {
  let parts: string[] = []
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => {
    let from = 0
    let nl: number
    while ((nl = d.indexOf('\n', from)) >= 0) {
      parts.push(d.slice(from, nl))
      const line = parts.join('')
      parts = []
      from = nl + 1
      if (line) fn(JSON.parse(line) as Record<string, unknown>)
    }
    if (from < d.length) parts.push(d.slice(from))
  })
}

export interface WireError {
  code: string
  message: string
}
