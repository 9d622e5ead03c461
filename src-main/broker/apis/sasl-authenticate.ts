import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

/** SaslAuthenticate: one token of the SASL exchange; a failure is answered with Kafka's message, then the connection closes. */
export default defineApi(ApiKey.SaslAuthenticate, {
  handle(req, ctx) {
    const s = ctx.security
    if (!s)
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'Unexpected SaslAuthenticate request', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }
    return s.authenticate(req.authBytes, ctx.apiVersion)
  },
})
