import { defineApi } from './registry'
import { ErrorCode } from '../errors'

/**
 * The embedded cluster runs without an authorizer, and Kafka answers DescribeAcls that way with
 * SECURITY_DISABLED. The API is still listed: kafka-python infers the broker release from the
 * APIs it sees, and DescribeAcls v2 is how it recognises a broker newer than 2.5.
 */
export default defineApi({
  key: 29,
  name: 'DescribeAcls',
  minVersion: 0,
  maxVersion: 3,
  handle() {
    return { throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', resources: [] }
  },
})
