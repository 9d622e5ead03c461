// Finalized feature levels the controller writes at first start (FeatureLevelRecord) and
// brokers report in ApiVersions, so `kafka-features describe` prints them. Only metadata.version
// is finalized: transaction.version and group.version stay unreported so clients keep the
// classic transaction and group protocols this broker speaks (see apis/api-versions.ts).
export interface FeatureRange {
  min: number
  max: number
  finalized: number
}

/** metadata.version levels are Kafka's MetadataVersion feature levels: 7 is 3.3-IV3, 27 is 4.1-IV1. */
export const FEATURES: Record<string, FeatureRange> = {
  'metadata.version': { min: 7, max: 27, finalized: 27 },
}
