import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { GroupDescription, GroupSummary, LagSample, ResetMode, ResetPlan } from '../api/types'
import { useConnectionsStore } from './connections'

/** How much lag history the chart shows, and the cap on samples kept in memory. */
export const LAG_WINDOWS = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '6 h', ms: 6 * 3_600_000 },
  { label: '24 h', ms: 24 * 3_600_000 },
]

export const useGroupsStore = defineStore('groups', () => {
  const conn = useConnectionsStore()
  const groups = ref<GroupSummary[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** When the list / the detail were last refreshed: after a failed refresh they stay, marked stale. */
  const loadedAt = ref<number | null>(null)
  const detailLoadedAt = ref<number | null>(null)

  const detail = ref<GroupDescription | null>(null)
  const detailLoading = ref(false)
  const detailError = ref<string | null>(null)

  const history = ref<LagSample[]>([])
  const historyGroup = ref<string | null>(null)
  const historyWindowMs = ref(3_600_000)
  let lagBound = false

  // Another cluster: nothing of the previous one may stay on screen.
  watch(
    () => conn.activeId,
    () => {
      groups.value = []
      error.value = null
      loadedAt.value = null
      detailLoadedAt.value = null
      detail.value = null
      detailError.value = null
      history.value = []
      historyGroup.value = null
    },
  )

  async function load(search?: string) {
    const connectionId = conn.activeId
    loading.value = true
    error.value = null
    try {
      const r = await api().call('groups.list', { connectionId, withLag: true, ...(search ? { search } : {}) })
      if (connectionId !== conn.activeId) return
      groups.value = r.groups.sort((a, b) => a.groupId.localeCompare(b.groupId))
      loadedAt.value = Date.now()
    } catch (e) {
      if (connectionId === conn.activeId) error.value = toApiError(e).message
    } finally {
      loading.value = false
    }
  }

  async function describe(groupId: string) {
    if (detail.value?.groupId !== groupId) {
      detail.value = null
      detailLoadedAt.value = null
    }
    const connectionId = conn.activeId
    detailLoading.value = true
    detailError.value = null
    try {
      const d = await api().call('groups.describe', { connectionId, groupId })
      if (connectionId === conn.activeId) {
        detail.value = d
        detailLoadedAt.value = Date.now()
      }
    } catch (e) {
      if (connectionId !== conn.activeId) return
      const err = toApiError(e)
      if (err.code === 'NOT_FOUND') {
        detail.value = null
        detailLoadedAt.value = null
      }
      detailError.value = err.message
    } finally {
      detailLoading.value = false
    }
  }

  async function loadHistory(groupId: string) {
    if (!lagBound) {
      lagBound = true
      api().on('lag.sample', (ev) => {
        if (ev.groupId !== historyGroup.value || ev.connectionId !== conn.activeId) return
        const cutoff = Date.now() - historyWindowMs.value
        history.value = [...history.value.filter((s) => s.t >= cutoff), ev.sample]
      })
    }
    historyGroup.value = groupId
    const r = await api().call('groups.lagHistory', { connectionId: conn.activeId, groupId, from: Date.now() - historyWindowMs.value })
    history.value = r.samples
  }

  function resetRequest(groupId: string, topics: string[] | null, reset: ResetMode, opId?: string) {
    const named = opId ? { opId } : {}
    return topics && topics.length > 0
      ? { connectionId: conn.activeId, groupId, topics: topics.map((topic) => ({ topic })), reset, ...named }
      : { connectionId: conn.activeId, groupId, allTopics: true, reset, ...named }
  }

  function resetPreview(groupId: string, topics: string[] | null, reset: ResetMode): Promise<ResetPlan> {
    return api().call('offsets.resetPreview', resetRequest(groupId, topics, reset))
  }

  /** Named by `opId`, the reset reports operation.progress and can be cancelled until it commits. */
  function resetExecute(groupId: string, topics: string[] | null, reset: ResetMode, opId?: string): Promise<ResetPlan> {
    return api().call('offsets.resetExecute', resetRequest(groupId, topics, reset, opId))
  }

  async function remove(groupId: string) {
    const r = await api().call('groups.delete', { connectionId: conn.activeId, groupIds: [groupId] })
    const res = r.results[0]
    if (res?.error) throw res.error
    groups.value = groups.value.filter((g) => g.groupId !== groupId)
  }

  function deleteOffsets(groupId: string, topic: string, partitions?: number[]) {
    return api().call('groups.deleteOffsets', { connectionId: conn.activeId, groupId, topic, ...(partitions ? { partitions } : {}) })
  }

  return {
    loadedAt,
    detailLoadedAt,
    groups,
    loading,
    error,
    detail,
    detailLoading,
    detailError,
    history,
    historyWindowMs,
    load,
    describe,
    loadHistory,
    resetPreview,
    resetExecute,
    remove,
    deleteOffsets,
  }
})
