import { defineStore } from 'pinia'
import { api } from '../api/client'

/** Progress of a long operation named by its opId (a reset, a read, an export), and its cancel. */
export const useOperationsStore = defineStore('operations', () => {
  /** Calls `progress` with the steps done of the operation `opId()` names; returns the unsubscribe. */
  function watchProgress(opId: () => string | undefined, progress: (done: number, total: number) => void): () => void {
    return api().on('operation.progress', (p) => {
      if (p.opId === opId()) progress(p.done, p.total)
    })
  }
  async function cancel(opId: string): Promise<void> {
    await api().call('operations.cancel', { opId })
  }
  return { watchProgress, cancel }
})
