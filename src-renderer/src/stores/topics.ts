import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { EventOf, KeyDistribution, ResponseOf, ThroughputSeries, TopicDescription, TopicSummary } from '../api/types'
import { useConnectionsStore } from './connections'

export const useTopicsStore = defineStore('topics', () => {
  const conn = useConnectionsStore()
  const topics = ref<TopicSummary[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  const showInternal = ref(false)
  /** When the list on screen was last refreshed; with `error` set, it is older than it looks. */
  const loadedAt = ref<number | null>(null)
  /** Figures (messages, size, retention) are fetched after the names: the list shows at once. */
  const statsLoading = ref(false)
  /** The topic the throughput view showed last: it opens there again. */
  const throughputTopic = ref<string | null>(null)
  /** Brokers that did not answer for the figures; the topics they hold show none. */
  const unavailable = ref<NonNullable<ResponseOf<'topics.list'>['unavailable']>>([])

  const detail = ref<TopicDescription | null>(null)
  const detailLoading = ref(false)
  const detailError = ref<string | null>(null)

  const keys = ref<KeyDistribution | null>(null)
  const keysLoading = ref(false)
  const keysError = ref<string | null>(null)

  // Another cluster: nothing of the previous one may stay on screen.
  watch(
    () => conn.activeId,
    () => {
      topics.value = []
      error.value = null
      loadedAt.value = null
      unavailable.value = []
      throughputTopic.value = null
      detail.value = null
      detailError.value = null
      keys.value = null
      keysError.value = null
    },
  )

  async function load(search?: string) {
    const connectionId = conn.activeId
    loading.value = true
    error.value = null
    try {
      const r = await api().call('topics.list', { connectionId, includeInternal: true, ...(search ? { search } : {}) })
      if (connectionId !== conn.activeId) return
      // Keep the figures of the last round until the new ones arrive.
      const old = new Map(topics.value.map((t) => [t.name, t]))
      topics.value = r.topics
        .map((t) => {
          const o = old.get(t.name)
          return o ? { ...t, messages: o.messages, sizeBytes: o.sizeBytes, retentionMs: o.retentionMs, cleanupPolicy: o.cleanupPolicy } : t
        })
        .sort((a, b) => a.name.localeCompare(b.name))
      loadedAt.value = Date.now()
      void loadStats(connectionId, search)
    } catch (e) {
      if (connectionId === conn.activeId) error.value = toApiError(e).message
    } finally {
      loading.value = false
    }
  }

  async function loadStats(connectionId: string, search?: string) {
    statsLoading.value = true
    try {
      const r = await api().call('topics.list', { connectionId, includeInternal: true, withStats: true, ...(search ? { search } : {}) })
      if (connectionId !== conn.activeId) return
      const byName = new Map(r.topics.map((t) => [t.name, t]))
      topics.value = topics.value.map((t) => byName.get(t.name) ?? t)
      unavailable.value = r.unavailable ?? []
    } catch (e) {
      if (connectionId === conn.activeId) error.value = `Message counts and sizes could not be refreshed: ${toApiError(e).message}`
    } finally {
      statsLoading.value = false
    }
  }

  async function describe(topic: string) {
    if (detail.value?.name !== topic) detail.value = null
    const connectionId = conn.activeId
    detailLoading.value = true
    detailError.value = null
    try {
      const d = await api().call('topics.describe', { connectionId, topic })
      if (connectionId === conn.activeId) detail.value = d
    } catch (e) {
      if (connectionId !== conn.activeId) return
      const err = toApiError(e)
      // A topic that is gone (or never was, on this cluster) must not keep its old figures.
      if (err.code === 'NOT_FOUND') detail.value = null
      detailError.value = err.message
    } finally {
      detailLoading.value = false
    }
  }

  async function create(req: { topic: string; partitions: number; replicationFactor: number; configs: Record<string, string> }) {
    const r = await api().call('topics.create', { connectionId: conn.activeId, ...req })
    await load()
    return r
  }

  async function remove(names: string[]) {
    const r = await api().call('topics.delete', { connectionId: conn.activeId, topics: names })
    topics.value = topics.value.filter((t) => !r.deleted.includes(t.name))
    return r
  }

  /** Deletes every record of the topic (DeleteRecords to the high watermark); the topic stays. */
  async function purge(topic: string) {
    const r = await api().call('topics.purge', { connectionId: conn.activeId, topic })
    void load()
    return r
  }

  function offsetRange(topic: string, partition?: number, timestamp?: number) {
    return api().call('messages.offsetRange', {
      connectionId: conn.activeId,
      topic,
      ...(partition !== undefined ? { partition } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
    })
  }

  function addPartitions(topic: string, totalCount: number, validateOnly: boolean) {
    return api().call('topics.addPartitions', { connectionId: conn.activeId, topic, totalCount, validateOnly })
  }

  async function loadKeys(topic: string, samplePerPartition: number, topN: number) {
    keysLoading.value = true
    keysError.value = null
    try {
      keys.value = await api().call('keys.distribution', { connectionId: conn.activeId, topic, samplePerPartition, topN })
    } catch (e) {
      keysError.value = toApiError(e).message
    } finally {
      keysLoading.value = false
    }
  }

  /** Live topic-level throughput samples as the main process takes them; returns the unsubscribe. */
  function onThroughputSample(listener: (ev: EventOf<'throughput.sample'>) => void): () => void {
    return api().on('throughput.sample', listener)
  }

  function throughput(topic: string, byPartition: boolean, from?: number): Promise<ThroughputSeries> {
    return api().call('throughput.series', { connectionId: conn.activeId, topic, byPartition, ...(from !== undefined ? { from } : {}) })
  }

  return {
    topics,
    loading,
    error,
    showInternal,
    loadedAt,
    statsLoading,
    throughputTopic,
    unavailable,
    purge,
    offsetRange,
    detail,
    detailLoading,
    detailError,
    keys,
    keysLoading,
    keysError,
    load,
    describe,
    create,
    remove,
    addPartitions,
    loadKeys,
    throughput,
    onThroughputSample,
  }
})
