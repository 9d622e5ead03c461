import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { api } from '../api/client'
import { toApiError } from '../api/errors'
import type { RequestInputOf, ResponseOf } from '../api/types'
import { useConnectionsStore } from './connections'

export type ScramUser = ResponseOf<'security.users.list'>['users'][number]
export type AclEntry = ResponseOf<'security.acls.list'>['acls'][number]
export type AccessView = ResponseOf<'security.access'>
export type QuotaEntry = ResponseOf<'security.quotas.list'>['quotas'][number]
export type QuotaAlter = Omit<RequestInputOf<'security.quotas.alter'>, 'connectionId'>
export type ScramMechanism = ScramUser['credentials'][number]['mechanism']

/** A failure as the Security page says it: a refused principal is named as such, not as a broken call. */
export function securityError(e: unknown): string {
  const err = toApiError(e)
  if (err.code === 'KAFKA_CLUSTER_AUTHORIZATION_FAILED')
    return `CLUSTER_AUTHORIZATION_FAILED: this connection's principal is not allowed to do this on the cluster (it needs DESCRIBE on the cluster to read, ALTER to change). ${err.message}`
  if (err.code.startsWith('KAFKA_')) return `${err.code.slice(6)}: ${err.message}`
  return err.message
}

/** SCRAM users, ACLs, who can do what on a resource, and client quotas of the active connection. */
export const useSecurityStore = defineStore('security', () => {
  const conn = useConnectionsStore()

  const users = ref<ScramUser[]>([])
  const usersError = ref<string | null>(null)
  const usersLoaded = ref(false)

  const acls = ref<AclEntry[]>([])
  /** 'no-authorizer' when the cluster answered SECURITY_DISABLED. */
  const aclState = ref<'enabled' | 'no-authorizer' | null>(null)
  const aclMessage = ref<string | null>(null)
  const aclsError = ref<string | null>(null)

  const access = ref<AccessView | null>(null)
  const accessError = ref<string | null>(null)

  const quotas = ref<QuotaEntry[]>([])
  const quotasError = ref<string | null>(null)
  const quotasLoaded = ref(false)

  const loading = ref(false)

  function clear() {
    users.value = []
    usersError.value = null
    usersLoaded.value = false
    acls.value = []
    aclState.value = null
    aclMessage.value = null
    aclsError.value = null
    access.value = null
    accessError.value = null
    quotas.value = []
    quotasError.value = null
    quotasLoaded.value = false
  }
  // Another cluster: nothing of the previous one may stay on screen.
  watch(() => conn.activeId, clear)

  async function loadUsers() {
    const connectionId = conn.activeId
    try {
      const r = await api().call('security.users.list', { connectionId })
      if (connectionId !== conn.activeId) return
      users.value = r.users
      usersError.value = null
      usersLoaded.value = true
    } catch (e) {
      if (connectionId === conn.activeId) usersError.value = securityError(e)
    }
  }

  async function loadAcls() {
    const connectionId = conn.activeId
    try {
      const r = await api().call('security.acls.list', { connectionId })
      if (connectionId !== conn.activeId) return
      acls.value = r.acls
      aclState.value = r.state
      aclMessage.value = r.message ?? null
      aclsError.value = null
    } catch (e) {
      if (connectionId === conn.activeId) aclsError.value = securityError(e)
    }
  }

  async function loadQuotas() {
    const connectionId = conn.activeId
    try {
      const r = await api().call('security.quotas.list', { connectionId })
      if (connectionId !== conn.activeId) return
      quotas.value = r.quotas
      quotasError.value = null
      quotasLoaded.value = true
    } catch (e) {
      if (connectionId === conn.activeId) quotasError.value = securityError(e)
    }
  }

  async function loadAll() {
    loading.value = true
    try {
      await Promise.all([loadUsers(), loadAcls(), loadQuotas(), access.value ? loadAccess(access.value.resourceType, access.value.resourceName) : null])
    } finally {
      loading.value = false
    }
  }

  async function loadAccess(resourceType: AccessView['resourceType'], resourceName: string) {
    const connectionId = conn.activeId
    try {
      const r = await api().call('security.access', { connectionId, resourceType, resourceName })
      if (connectionId !== conn.activeId) return
      access.value = r
      accessError.value = null
    } catch (e) {
      if (connectionId === conn.activeId) accessError.value = securityError(e)
    }
  }

  /**
   * Reloads after a change, and once more a moment later: on Kafka the change is answered when the
   * controller has it, and the broker asked next may learn it from the metadata log only after.
   */
  async function settle(load: () => Promise<unknown>) {
    const connectionId = conn.activeId
    await load()
    setTimeout(() => {
      if (connectionId === conn.activeId) void load()
    }, 1500)
  }

  async function upsertUser(user: string, mechanism: ScramMechanism, password: string, iterations: number) {
    await api().call('security.users.upsert', { connectionId: conn.activeId, user, mechanism, password, iterations })
    await settle(loadUsers)
  }

  async function deleteUser(user: string, mechanisms: ScramMechanism[]) {
    await api().call('security.users.delete', { connectionId: conn.activeId, user, mechanisms })
    await settle(loadUsers)
  }

  /** After an ACL change the list and the open who-can-do-what answer are asked again. */
  async function afterAclChange() {
    await settle(() => Promise.all([loadAcls(), access.value ? loadAccess(access.value.resourceType, access.value.resourceName) : null]))
  }

  async function createAcl(entry: AclEntry) {
    await api().call('security.acls.create', { connectionId: conn.activeId, ...entry })
    await afterAclChange()
  }

  async function deleteAcl(entry: AclEntry): Promise<number> {
    const r = await api().call('security.acls.delete', { connectionId: conn.activeId, ...entry })
    await afterAclChange()
    return r.deleted
  }

  async function alterQuota(req: QuotaAlter) {
    await api().call('security.quotas.alter', { connectionId: conn.activeId, ...req })
    await settle(loadQuotas)
  }

  return {
    users,
    usersError,
    usersLoaded,
    acls,
    aclState,
    aclMessage,
    aclsError,
    access,
    accessError,
    quotas,
    quotasError,
    quotasLoaded,
    loading,
    loadUsers,
    loadAcls,
    loadQuotas,
    loadAll,
    loadAccess,
    upsertUser,
    deleteUser,
    createAcl,
    deleteAcl,
    alterQuota,
  }
})
