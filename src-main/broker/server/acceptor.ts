// Opens a broker's listeners (server/listeners.ts): a TCP server per listener, wrapped in TLS for
// SSL and SASL_SSL, each accepted socket given the security state of its listener.
import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { usesTls } from '../security/security-protocol'
import { listenerTls, distinguishedName } from '../security/tls-config'
import { ConnectionSecurity } from '../security/connection-security'
import type { ScramCredential, ScramMechanism } from '../security/scram'
import type { ListenerSpec } from './listeners'

export interface AcceptorHost {
  readonly staticConfigs: Readonly<Record<string, string>>
  scramCredential(user: string, mechanism: ScramMechanism): ScramCredential | undefined
  accept(socket: Socket, security: ConnectionSecurity): void
  log(line: string): void
}

export interface OpenListener {
  spec: ListenerSpec
  server: Server
  /** The port it is bound to (the spec's, or the one picked for port 0). */
  port: number
}

/** Binds one listener; resolves once it accepts connections. */
export async function openListener(spec: ListenerSpec, host: AcceptorHost): Promise<OpenListener> {
  const securityOf = (socket: Socket, tlsPrincipal?: string | null) =>
    new ConnectionSecurity({
      listenerName: spec.name,
      securityProtocol: spec.securityProtocol,
      configs: host.staticConfigs,
      clientHost: normalizeIp(socket.remoteAddress ?? ''),
      tlsPrincipal: tlsPrincipal ? { type: 'User', name: tlsPrincipal } : undefined,
      scramCredential: (u, m) => host.scramCredential(u, m),
    })
  let server: Server
  if (usesTls(spec.securityProtocol)) {
    const tls = listenerTls(host.staticConfigs, spec.name)
    const s = createTlsServer(tls.options, (socket: TLSSocket) => {
      // With ssl.client.auth=requested an unverified certificate is no identity: ANONYMOUS, as in Kafka.
      const dn = socket.authorized ? distinguishedName(socket.getPeerCertificate()?.subject as unknown as Record<string, string | string[]> | undefined) : null
      host.accept(socket, securityOf(socket, dn))
    })
    // A client that fails the TLS handshake (untrusted, wrong protocol) never becomes a connection.
    s.on('tlsClientError', (e, socket) => {
      host.log(`TLS handshake with ${socket.remoteAddress}:${socket.remotePort} on listener ${spec.name} failed: ${e.message}`)
      socket.destroy()
    })
    server = s
  } else {
    server = createTcpServer((socket) => host.accept(socket, securityOf(socket)))
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(spec.port, spec.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const addr = server.address()
  const port = addr && typeof addr === 'object' ? addr.port : spec.port
  return { spec, server, port }
}

/** IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d; ACL hosts use the plain address. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip
}
