import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

/**
 * SaslHandshake: picks the SASL mechanism of a connection on a SASL listener. v0 is followed by
 * raw SASL tokens, v1 by SaslAuthenticate requests (security/connection-security.ts). On a
 * listener without SASL, Kafka answers ILLEGAL_SASL_STATE.
 */
export default defineApi(ApiKey.SaslHandshake, {
  handle(req, ctx) {
    const s = ctx.security
    if (!s || s.securityProtocol === 'PLAINTEXT' || s.securityProtocol === 'SSL') return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] }
    return s.handshake(req.mechanism, ctx.apiVersion)
  },
})
