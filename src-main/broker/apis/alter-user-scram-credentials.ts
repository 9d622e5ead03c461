import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode, KafkaError } from '../errors'

/**
 * AlterUserScramCredentials: the client (kafka-configs, AdminClient) sends the salted password;
 * the controller keeps StoredKey and ServerKey from it, as Kafka does (security/security-commands.ts).
 */
export default defineApi(ApiKey.AlterUserScramCredentials, {
  handle(req, ctx) {
    const users = [...new Set([...req.deletions, ...req.upsertions].map((x) => x.name))]
    try {
      const results = ctx.broker.metadata.securityCommand({
        op: 'alterScram',
        deletions: req.deletions.map((d) => ({ name: d.name, mechanism: d.mechanism })),
        upsertions: req.upsertions.map((u) => ({
          name: u.name,
          mechanism: u.mechanism,
          iterations: u.iterations,
          salt: u.salt.toString('base64'),
          saltedPassword: u.saltedPassword.toString('base64'),
        })),
      }) as { user: string; error: string | null; message: string | null }[]
      return {
        throttleTimeMs: 0,
        results: results.map((r) => ({
          user: r.user,
          errorCode: r.error ? ErrorCode[r.error as keyof typeof ErrorCode] : ErrorCode.NONE,
          errorMessage: r.message,
        })),
      }
    } catch (e) {
      if (!(e instanceof KafkaError)) throw e
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: e.code, errorMessage: e.message })) }
    }
  },
})
