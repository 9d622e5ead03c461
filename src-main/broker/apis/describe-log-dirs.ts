import { statfsSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineApi } from './registry'
import { ApiKey } from '../protocol/api'
import { ErrorCode } from '../errors'

export default defineApi(ApiKey.DescribeLogDirs, {
  handle(req, ctx) {
    const { broker } = ctx
    const wanted = req.topics === null ? null : new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)]))
    const topics = []
    for (const t of broker.metadata.topics.values()) {
      const parts = wanted?.get(t.name)
      if (wanted && !parts) continue
      const partitions = []
      for (const p of t.partitions) {
        if (parts && !parts.has(p.partition)) continue
        if (!p.replicas.includes(broker.nodeId)) continue
        const log = broker.partitionLog(t.name, p.partition)
        if (!log) continue
        partitions.push({ partitionIndex: p.partition, partitionSize: log.sizeInBytes(), offsetLag: 0, isFutureKey: false })
      }
      if (partitions.length) topics.push({ name: t.name, partitions })
    }
    let totalBytes = -1
    let usableBytes = -1
    try {
      const s = statfsSync(broker.logDir)
      totalBytes = s.blocks * s.bsize
      usableBytes = s.bavail * s.bsize
    } catch {
      // Keep -1: Kafka's value when the sizes are unknown.
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: resolve(broker.logDir), topics, totalBytes, usableBytes }],
    }
  },
})
