import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { ResponseOf } from '../api/types'

/** The .proto files added for Protobuf decoding and the message types they declare. */
export const useProtobufStore = defineStore('protobuf', () => {
  const files = ref<ResponseOf<'protobuf.list'>['files']>([])
  const error = ref<string | null>(null)
  const loaded = ref(false)
  const types = computed(() => files.value.flatMap((f) => f.types).sort())

  async function load() {
    try {
      files.value = (await api().call('protobuf.list', {})).files
      loaded.value = true
      error.value = null
    } catch (e) {
      error.value = toApiError(e).message
    }
  }

  /** Adds a .proto file; the error (a parse or resolve problem) is returned for the form. */
  async function add(name: string, content: string): Promise<string | null> {
    try {
      files.value = (await api().call('protobuf.add', { name, content })).files
      return null
    } catch (e) {
      return toApiError(e).message
    }
  }

  async function remove(name: string) {
    files.value = (await api().call('protobuf.delete', { name })).files
  }

  return { files, types, error, loaded, load, add, remove }
})
