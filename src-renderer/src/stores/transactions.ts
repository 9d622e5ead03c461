import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { ResponseOf } from '../api/types'
import { useConnectionsStore } from './connections'

export type TransactionSummary = ResponseOf<'transactions.list'>['transactions'][number]
export type AbortResult = ResponseOf<'transactions.abort'>['results']

/** The transactions the cluster's coordinators know, and the admin abort of one. */
export const useTransactionsStore = defineStore('transactions', () => {
  const conn = useConnectionsStore()
  const transactions = ref<TransactionSummary[]>([])
  const unavailable = ref<NonNullable<ResponseOf<'transactions.list'>['unavailable']>>([])
  /** When the coordinators were asked (ages are counted from it). */
  const loadedAt = ref<number | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Also list transactional ids with no transaction running (Empty, CompleteCommit…). */
  const all = ref(false)

  // Another cluster: nothing of the previous one may stay on screen.
  watch(
    () => conn.activeId,
    () => {
      transactions.value = []
      unavailable.value = []
      loadedAt.value = null
      error.value = null
    },
  )

  async function load() {
    const connectionId = conn.activeId
    loading.value = true
    error.value = null
    try {
      const r = await api().call('transactions.list', { connectionId, all: all.value })
      if (connectionId !== conn.activeId) return
      transactions.value = r.transactions
      unavailable.value = r.unavailable ?? []
      loadedAt.value = r.at
    } catch (e) {
      if (connectionId === conn.activeId) error.value = toApiError(e).message
    } finally {
      loading.value = false
    }
  }

  /** ABORT markers for the transaction on each of its partitions; the list is asked again after. */
  async function abort(t: TransactionSummary): Promise<AbortResult> {
    const r = await api().call('transactions.abort', {
      connectionId: conn.activeId,
      producerId: t.producerId,
      producerEpoch: t.producerEpoch,
      partitions: t.partitions,
    })
    await load()
    return r.results
  }

  return { transactions, unavailable, loadedAt, loading, error, all, load, abort }
})
