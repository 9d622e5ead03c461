// SASL/PLAIN (RFC 4616) checked against the user_<name>="<password>" entries of the listener's
// PlainLoginModule, with Kafka's PlainSaslServer messages.
import { timingSafeEqual } from 'node:crypto'
import { SaslAuthenticationError, type SaslServer, type SaslStep } from './sasl-server'

export class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN'

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  evaluate(token: Buffer): SaslStep {
    // authzid NUL authcid NUL passwd
    const parts = token.toString('utf8').split('\u0000')
    if (parts.length !== 3) throw new SaslAuthenticationError('Invalid SASL/PLAIN response: expected 3 tokens, got ' + parts.length)
    const [authzid, username, password] = parts as [string, string, string]
    if (username === '') throw new SaslAuthenticationError('Authentication failed: username not specified')
    if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified')
    const expected = this.users.get(username)
    if (expected === undefined || !sameText(expected, password)) throw new SaslAuthenticationError('Authentication failed: Invalid username or password')
    if (authzid !== '' && authzid !== username)
      throw new SaslAuthenticationError('Authentication failed: Client requested an authorization id that is different from username')
    return { challenge: Buffer.alloc(0), complete: true, principal: { type: 'User', name: username } }
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}
