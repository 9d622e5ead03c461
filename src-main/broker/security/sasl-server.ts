// One SASL mechanism's server side, fed the client's tokens one SaslAuthenticate (or one raw
// v0 frame) at a time.
import type { KafkaPrincipal } from './principal'

export interface SaslStep {
  /** What goes back to the client (SaslAuthenticate's authBytes). */
  challenge: Buffer
  complete: boolean
  /** The authenticated principal, once complete. */
  principal?: KafkaPrincipal
}

export interface SaslServer {
  readonly mechanism: string
  /** Throws SaslAuthenticationError when the client failed to authenticate. */
  evaluate(token: Buffer): SaslStep
}

/** A failed authentication; the message is what Kafka puts in SaslAuthenticate's error message. */
export class SaslAuthenticationError extends Error {}
