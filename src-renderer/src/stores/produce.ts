import { defineStore } from 'pinia'
import { api } from '../api/client'
import type { RequestInputOf, ResponseOf } from '../api/types'

/**
 * Writing records: one message, a templated batch, or a republish of selected records to
 * another topic or cluster. The forms keep their own state (what the user typed); the calls go
 * through here like every other call of the UI.
 */
export const useProduceStore = defineStore('produce', () => {
  function send(req: RequestInputOf<'produce.send'>): Promise<ResponseOf<'produce.send'>> {
    return api().call('produce.send', req)
  }
  function batch(req: RequestInputOf<'produce.batch'>): Promise<ResponseOf<'produce.batch'>> {
    return api().call('produce.batch', req)
  }
  function republish(req: RequestInputOf<'produce.republish'>): Promise<ResponseOf<'produce.republish'>> {
    return api().call('produce.republish', req)
  }
  return { send, batch, republish }
})
