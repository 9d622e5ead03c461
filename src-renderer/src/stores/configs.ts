import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { ConfigDiff, ConfigEntry, ConfigResource } from '../api/types'
import { useConnectionsStore } from './connections'

export type ConfigChange = { name: string; op: 'set' | 'delete'; value?: string }

export const useConfigsStore = defineStore('configs', () => {
  const conn = useConnectionsStore()
  const resource = ref<ConfigResource | null>(null)
  const entries = ref<ConfigEntry[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(r: ConfigResource) {
    if (resource.value?.type !== r.type || resource.value.name !== r.name) entries.value = []
    resource.value = r
    loading.value = true
    error.value = null
    try {
      const res = await api().call('configs.describe', { connectionId: conn.activeId, resource: r })
      entries.value = res.entries.sort((a, b) => a.name.localeCompare(b.name))
    } catch (e) {
      error.value = toApiError(e).message
    } finally {
      loading.value = false
    }
  }

  function preview(changes: ConfigChange[]): Promise<ConfigDiff> {
    if (!resource.value) throw new Error('no resource loaded')
    return api().call('configs.alterPreview', { connectionId: conn.activeId, resource: resource.value, changes })
  }

  async function apply(changes: ConfigChange[]): Promise<ConfigDiff> {
    if (!resource.value) throw new Error('no resource loaded')
    const diff = await api().call('configs.alter', { connectionId: conn.activeId, resource: resource.value, changes })
    if (diff.applied) await load(resource.value)
    return diff
  }

  return { resource, entries, loading, error, load, preview, apply }
})
