import { defineApi, type RequestContext } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { endpointOn } from '../server/listeners'

const GROUP = 0
const TRANSACTION = 1

function lookup(ctx: RequestContext, key: string, keyType: number) {
  const none = { key, nodeId: -1, host: '', port: -1 }
  if (keyType === GROUP) {
    if (key === '') return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'The group id must not be empty' }
    const c = ctx.broker.groupCoordinator.coordinatorFor(key)
    if (!c) return { ...none, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.' }
    // The coordinator's address on the listener the client came in on.
    const b = ctx.broker.metadata.brokers.get(c.nodeId)
    const ep = b ? endpointOn(b, ctx.security?.listenerName) : undefined
    return { key, ...c, ...(ep ? { host: ep.host, port: ep.port } : {}), errorCode: ErrorCode.NONE, errorMessage: null }
  }
  if (keyType === TRANSACTION) {
    if (key === '') return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'The transactional id must not be empty' }
    const c = ctx.broker.transactionCoordinator.coordinatorFor(key)
    if (!c) return { ...none, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'The coordinator is not available.' }
    return { key, ...c, errorCode: ErrorCode.NONE, errorMessage: null }
  }
  return { ...none, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unknown coordinator key type ${keyType}` }
}

export default defineApi(ApiKey.FindCoordinator, {
  handle(req, ctx) {
    const keyType: number = ctx.apiVersion >= 1 ? req.keyType : GROUP
    if (ctx.apiVersion >= 4) {
      return { throttleTimeMs: 0, coordinators: (req.coordinatorKeys as string[]).map((k) => lookup(ctx, k, keyType)) }
    }
    const r = lookup(ctx, req.key, keyType)
    return { throttleTimeMs: 0, errorCode: r.errorCode, errorMessage: r.errorMessage, nodeId: r.nodeId, host: r.host, port: r.port }
  },
})
