import { defineApi } from './registry'
import { ErrorCode } from '../errors'

export default defineApi({
  key: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  handle(_req, ctx) {
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: ctx.broker.apiVersionList(),
      throttleTimeMs: 0,
      // No SupportedFeatures are reported: clients then stay on the classic transaction flow,
      // and older clients never see a MinVersion 0 feature they would reject (KAFKA-17011).
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
    }
  },
})
