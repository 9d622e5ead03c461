import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'
import { FEATURES } from '../controller/features'

export default defineApi(ApiKey.ApiVersions, {
  handle(_req, ctx) {
    const md = ctx.broker.metadata
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: ctx.broker.apiVersionList(),
      throttleTimeMs: 0,
      // Only metadata.version is reported (controller/features.ts): without transaction.version
      // and group.version clients stay on the classic transaction and group flows, and no
      // feature has MinVersion 0, which older clients reject (KAFKA-17011).
      supportedFeatures: Object.entries(FEATURES).map(([name, f]) => ({ name, minVersion: f.min, maxVersion: f.max })),
      // As KRaft brokers, the epoch of the finalized features is the metadata log offset they were read at.
      finalizedFeaturesEpoch: md.offset,
      finalizedFeatures: [...md.features].map(([name, level]) => ({ name, maxVersionLevel: level, minVersionLevel: level })),
    }
  },
})
