import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import {
  EMBEDDED_ID,
  type ClusterOverview,
  type ConnectionInfo,
  type ConnectionInput,
  type ConnectionTestResult,
  type EmbeddedStatus,
  type SecretsStatus,
} from '../api/types'
import { useUiStore } from './ui'

const ACTIVE_KEY = 'kafkadesk.activeConnection'

export const useConnectionsStore = defineStore('connections', () => {
  const ui = useUiStore()
  const connections = ref<ConnectionInfo[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const loadError = ref<string | null>(null)
  const activeId = ref<string>(localStorage.getItem(ACTIVE_KEY) ?? EMBEDDED_ID)
  const embedded = ref<EmbeddedStatus | null>(null)
  const embeddedBusy = ref<string | null>(null)
  const secrets = ref<SecretsStatus | null>(null)
  const overview = ref<ClusterOverview | null>(null)
  const overviewLoading = ref(false)
  const overviewError = ref<string | null>(null)
  /** When `overview` was read: a failed refresh keeps it, marked stale with this time. */
  const overviewLoadedAt = ref<number | null>(null)
  let subscribed = false

  const active = computed(() => connections.value.find((c) => c.id === activeId.value) ?? null)
  const isEmbeddedActive = computed(() => activeId.value === EMBEDDED_ID)
  /** The active connection can be used: a remote one, or the embedded cluster while running. */
  const activeReady = computed(() => (isEmbeddedActive.value ? embedded.value?.state === 'running' : active.value !== null))

  function subscribe() {
    if (subscribed) return
    subscribed = true
    api().on('cluster.event', (ev) => {
      if (ev.type === 'embedded') embedded.value = ev.status
      else if (ev.type === 'broker' && embedded.value) {
        const b = embedded.value.brokers.find((x) => x.nodeId === ev.nodeId)
        if (b) b.state = ev.state
      } else if (ev.type === 'connection') {
        const c = connections.value.find((x) => x.id === ev.connectionId)
        if (c) c.open = ev.state === 'open'
        if (ev.state === 'error' && ev.message) ui.notify('error', `Connection ${c?.name ?? ev.connectionId}`, ev.message)
      }
    })
    api().onTransport('transport.reconnected', () => {
      void load()
    })
  }

  async function load() {
    subscribe()
    loading.value = true
    loadError.value = null
    try {
      const [list, status] = await Promise.all([api().call('connections.list', {}), api().call('embedded.status', {})])
      connections.value = list.connections
      embedded.value = status
      loaded.value = true
      if (!connections.value.some((c) => c.id === activeId.value)) setActive(EMBEDDED_ID)
    } catch (e) {
      loadError.value = toApiError(e).message
    } finally {
      loading.value = false
    }
    api()
      .call('secrets.status', {})
      .then((s) => (secrets.value = s))
      .catch(() => {})
  }

  function setActive(id: string) {
    if (activeId.value !== id) {
      overview.value = null
      overviewLoadedAt.value = null
    }
    activeId.value = id
    localStorage.setItem(ACTIVE_KEY, id)
  }

  async function save(input: ConnectionInput): Promise<ConnectionInfo> {
    const r = await api().call('connections.save', input)
    const i = connections.value.findIndex((c) => c.id === r.connection.id)
    if (i >= 0) connections.value[i] = r.connection
    else connections.value.push(r.connection)
    for (const w of r.warnings) ui.notify('warning', `Connection ${r.connection.name}`, w, 12_000)
    return r.connection
  }

  async function remove(id: string) {
    await api().call('connections.delete', { id })
    connections.value = connections.value.filter((c) => c.id !== id)
    if (activeId.value === id) setActive(EMBEDDED_ID)
  }

  function test(req: { id: string } | { connection: ConnectionInput }): Promise<ConnectionTestResult> {
    return api().call('connections.test', req)
  }

  async function open(id: string) {
    const r = await api().call('connections.open', { connectionId: id })
    const c = connections.value.find((x) => x.id === id)
    if (c) c.open = true
    return r
  }

  async function embeddedAction(label: string, fn: () => Promise<EmbeddedStatus>) {
    embeddedBusy.value = label
    try {
      embedded.value = await fn()
    } catch (e) {
      ui.error(`Embedded cluster: ${label} failed`, e)
    } finally {
      embeddedBusy.value = null
    }
  }

  /** `secure`: SSL and SASL listeners as `kafkadesk cluster --secure`; omitted keeps the cluster's last choice. */
  const startEmbedded = (brokers?: number, secure?: boolean) =>
    embeddedAction('start', () => api().call('embedded.start', { ...(brokers ? { brokers } : {}), ...(secure === undefined ? {} : { secure }) }))
  const stopEmbedded = () => embeddedAction('stop', () => api().call('embedded.stop', {}))
  const brokerAction = (nodeId: number, action: 'start' | 'stop' | 'kill') =>
    embeddedAction(`${action} broker ${nodeId}`, () => api().call(`embedded.broker.${action}`, { nodeId }))

  const setFaults = (nodeId: number, faults: { latencyMs?: number; dropRate?: number; paused?: boolean; isolated?: boolean }) =>
    embeddedAction(`faults on broker ${nodeId}`, () => api().call('embedded.broker.faults', { nodeId, ...faults }))

  async function loadOverview() {
    overviewLoading.value = true
    overviewError.value = null
    try {
      overview.value = await api().call('cluster.overview', { connectionId: activeId.value })
      overviewLoadedAt.value = Date.now()
    } catch (e) {
      overviewError.value = toApiError(e).message
    } finally {
      overviewLoading.value = false
    }
  }

  return {
    connections,
    loaded,
    loading,
    loadError,
    activeId,
    active,
    isEmbeddedActive,
    activeReady,
    embedded,
    embeddedBusy,
    secrets,
    overview,
    overviewLoading,
    overviewError,
    overviewLoadedAt,
    load,
    setActive,
    save,
    remove,
    test,
    open,
    startEmbedded,
    stopEmbedded,
    brokerAction,
    setFaults,
    loadOverview,
  }
})
