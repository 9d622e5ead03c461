import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { ResponseOf } from '../api/types'
import { useConnectionsStore } from './connections'

export type LogDirs = ResponseOf<'brokers.logDirs'>

/** Log dirs of every broker (DescribeLogDirs): sizes per broker, directory and partition. */
export const useBrokersStore = defineStore('brokers', () => {
  const conn = useConnectionsStore()
  const logDirs = shallowRef<LogDirs | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** When `logDirs` was read; a failed refresh keeps them and marks them stale. */
  const loadedAt = ref<number | null>(null)

  watch(
    () => conn.activeId,
    () => {
      logDirs.value = null
      error.value = null
      loadedAt.value = null
    },
  )

  /** Which clients talk to the embedded cluster (client id, address, requests per API). */
  async function activity(): Promise<ResponseOf<'embedded.activity'>['clients']> {
    return (await api().call('embedded.activity', {})).clients
  }

  async function loadLogDirs() {
    const connectionId = conn.activeId
    loading.value = true
    error.value = null
    try {
      const r = await api().call('brokers.logDirs', { connectionId })
      if (connectionId !== conn.activeId) return
      logDirs.value = r
      loadedAt.value = Date.now()
    } catch (e) {
      if (connectionId === conn.activeId) error.value = toApiError(e).message
    } finally {
      loading.value = false
    }
  }

  return { logDirs, loading, error, loadedAt, loadLogDirs, activity }
})
