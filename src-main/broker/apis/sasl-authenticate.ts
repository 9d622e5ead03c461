import { defineApi } from './registry'
import { ErrorCode } from '../errors'

interface SaslAuthenticateRequest {
  authBytes: Buffer
}

/** SaslAuthenticate: one token of the SASL exchange; a failure is answered with Kafka's message, then the connection closes. */
export default defineApi({
  key: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  handle(req: SaslAuthenticateRequest, ctx) {
    const s = ctx.security
    if (!s) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'Unexpected SaslAuthenticate request', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }
    return s.authenticate(req.authBytes)
  },
})
