import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

/** DescribeUserScramCredentials: each user's SCRAM mechanisms and iterations (never the salt or keys). */
export default defineApi(ApiKey.DescribeUserScramCredentials, {
  handle(req, ctx) {
    const scram = ctx.broker.metadata.security.scram
    const infos = (name: string) => [...(scram.get(name) ?? new Map()).entries()].map(([mechanism, c]) => ({ mechanism, iterations: c.iterations }))
    if (req.users === null || req.users.length === 0) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        results: [...scram.keys()].sort().map((user) => ({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos(user) })),
      }
    }
    const counts = new Map<string, number>()
    for (const u of req.users) counts.set(u.name, (counts.get(u.name) ?? 0) + 1)
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      results: [...counts.keys()].map((user) => {
        if ((counts.get(user) ?? 0) > 1)
          return {
            user,
            errorCode: ErrorCode.DUPLICATE_RESOURCE,
            errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request',
            credentialInfos: [],
          }
        if (!scram.has(user))
          return {
            user,
            errorCode: ErrorCode.RESOURCE_NOT_FOUND,
            errorMessage: 'Attempt to describe a user credential that does not exist',
            credentialInfos: [],
          }
        return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: infos(user) }
      }),
    }
  },
})
