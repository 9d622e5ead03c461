import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { ResponseOf } from '../api/types'
import { useConnectionsStore } from './connections'

export type CleanerState = ResponseOf<'embedded.cleaner'>
export type CleanerPartition = CleanerState['partitions'][number]

/**
 * A topic's log-cleaner state: whether its cleanup.policy compacts (from DescribeConfigs, any
 * cluster) and, on the embedded cluster, each replica's dirty ratio and last cleaning. Kafka
 * reports the latter only as JMX metrics, so for another cluster `state` stays null.
 */
export const useCleanerStore = defineStore('cleaner', () => {
  const conn = useConnectionsStore()
  const topic = ref<string | null>(null)
  /** cleanup.policy contains compact; null until read. */
  const compacted = ref<boolean | null>(null)
  const state = shallowRef<CleanerState | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const loadedAt = ref<number | null>(null)

  function reset() {
    compacted.value = null
    state.value = null
    error.value = null
    loadedAt.value = null
  }

  watch(() => conn.activeId, reset)

  async function load(name: string) {
    const connectionId = conn.activeId
    if (topic.value !== name) reset()
    topic.value = name
    loading.value = true
    error.value = null
    try {
      const cfg = await api().call('configs.describe', { connectionId, resource: { type: 'topic', name } })
      const policy = cfg.entries.find((e) => e.name === 'cleanup.policy')?.value ?? ''
      const isCompacted = policy.split(',').some((p) => p.trim() === 'compact')
      const next = isCompacted && conn.isEmbeddedActive ? await api().call('embedded.cleaner', { topic: name }) : null
      if (connectionId !== conn.activeId || topic.value !== name) return
      compacted.value = isCompacted
      state.value = next
      loadedAt.value = Date.now()
    } catch (e) {
      if (connectionId === conn.activeId && topic.value === name) error.value = toApiError(e).message
    } finally {
      loading.value = false
    }
  }

  return { topic, compacted, state, loading, error, loadedAt, load }
})
