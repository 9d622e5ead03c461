import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { KeyDistribution, ThroughputSeries, TopicDescription, TopicSummary } from '../api/types'
import { useConnectionsStore } from './connections'

export const useTopicsStore = defineStore('topics', () => {
  const conn = useConnectionsStore()
  const topics = ref<TopicSummary[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  const showInternal = ref(false)

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
      topics.value = r.topics.sort((a, b) => a.name.localeCompare(b.name))
    } catch (e) {
      if (connectionId === conn.activeId) error.value = toApiError(e).message
    } finally {
      loading.value = false
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

  function throughput(topic: string, byPartition: boolean, from?: number): Promise<ThroughputSeries> {
    return api().call('throughput.series', { connectionId: conn.activeId, topic, byPartition, ...(from !== undefined ? { from } : {}) })
  }

  return { topics, loading, error, showInternal, detail, detailLoading, detailError, keys, keysLoading, keysError, load, describe, create, remove, addPartitions, loadKeys, throughput }
})
