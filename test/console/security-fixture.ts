// A console connected to the secured target of the security suites (test/interop/security-target.ts):
// the embedded cluster by default, Apache Kafka 4.1 with KAFKADESK_TARGET=kafka, both with the
// same listeners, users and StandardAuthorizer. `admin` goes through the PLAINTEXT listener, whose
// User:ANONYMOUS is a super user there; `as(user)` connects as a PLAIN user over SASL_PLAINTEXT.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dispatch, type ChannelName, type HandlerContext, type RequestInputOf, type ResponseOf } from '../../src-main/ipc/contract'
import { createConsole, type ConsoleApp } from '../../src-main/console/handlers'
import { MemorySecrets } from '../../src-main/console/secrets'
import { startSecureTarget, type SecureTarget } from '../interop/security-target'
import { targetKind, type TargetKind } from '../interop/target'

export interface SecureConsole {
  kind: TargetKind
  target: SecureTarget
  app: ConsoleApp
  /** The connection id of the super user (PLAINTEXT listener). */
  admin: string
  /** Saves a connection as a PLAIN user of the target (password `<user>-secret`) and returns its id. */
  as(user: string): Promise<string>
  call<C extends ChannelName>(channel: C, req: RequestInputOf<C>): Promise<ResponseOf<C>>
  /** The ErrorShape of a call that must fail. */
  fails(channel: ChannelName, req: unknown): Promise<{ code: string; message: string; field?: string }>
  stop(): Promise<void>
}

/** `extra`: more broker configs for the target (e.g. OAUTHBEARER enabled), as startSecureTarget takes them. */
export async function startSecureConsole(extra: Record<string, string> = {}): Promise<SecureConsole> {
  const kind = targetKind()
  const target = await startSecureTarget(kind, extra)
  const dataDir = mkdtempSync(join(tmpdir(), 'kafkadesk-security-console-'))
  const app = createConsole({ dataDir, secrets: new MemorySecrets(), lagIntervalMs: 0 })
  const ctx: HandlerContext = { sink: { emit: () => {} }, clientId: 'security-test' }
  const call = async <C extends ChannelName>(channel: C, req: RequestInputOf<C>): Promise<ResponseOf<C>> => {
    const r = await dispatch(app.handlers, channel, req, ctx)
    if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), r.error)
    return r.value as ResponseOf<C>
  }
  const fails = async (channel: ChannelName, req: unknown) => {
    const r = await dispatch(app.handlers, channel, req, ctx)
    if (r.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(r.value)}`)
    return r.error
  }
  const admin = (await call('connections.save', { name: 'secure admin', bootstrapServers: [target.at.PLAINTEXT] })).connection.id
  return {
    kind,
    target,
    app,
    admin,
    call,
    fails,
    async as(user) {
      const saved = await call('connections.save', {
        name: `secure ${user}`,
        bootstrapServers: [target.at.SASL_PLAINTEXT],
        sasl: { mechanism: 'plain', username: user, password: `${user}-secret` },
      })
      return saved.connection.id
    },
    async stop() {
      await app.shutdown()
      await target.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
