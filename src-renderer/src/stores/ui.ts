import { defineStore } from 'pinia'
import { ref } from 'vue'
import { describeError } from '../api/errors'

export type ToastKind = 'info' | 'success' | 'warning' | 'error'

export interface Toast {
  id: number
  kind: ToastKind
  title: string
  detail?: string
}

export interface ConfirmRequest {
  title: string
  message: string
  confirmLabel?: string
  danger?: boolean
  /** When set, the user must type this text to enable the confirm button (for irreversible deletes). */
  typeToConfirm?: string
  resolve(ok: boolean): void
}

let nextToast = 1

const SIDEBAR_KEY = 'kafkadesk.sidebarCollapsed'
function readFlag(key: string): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(key) === '1'
  } catch {
    return false
  }
}

export const useUiStore = defineStore('ui', () => {
  const toasts = ref<Toast[]>([])
  const confirmRequest = ref<ConfirmRequest | null>(null)
  /** Collapsed to a narrow rail (kept across launches): more room for tables on small screens. */
  const sidebarCollapsed = ref(readFlag(SIDEBAR_KEY))

  function toggleSidebar() {
    sidebarCollapsed.value = !sidebarCollapsed.value
    try {
      localStorage.setItem(SIDEBAR_KEY, sidebarCollapsed.value ? '1' : '0')
    } catch {
      /* storage may be unavailable (private mode): the toggle still works for this page */
    }
  }

  function notify(kind: ToastKind, title: string, detail?: string, ttlMs?: number) {
    const id = nextToast++
    const t: Toast = { id, kind, title }
    if (detail !== undefined) t.detail = detail
    toasts.value.push(t)
    if (toasts.value.length > 6) toasts.value.shift()
    const ttl = ttlMs ?? (kind === 'error' ? 10_000 : 4000)
    if (ttl > 0) setTimeout(() => dismiss(id), ttl)
    return id
  }

  function dismiss(id: number) {
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }

  /** Shows an error toast for anything thrown; returns the message shown. */
  function error(title: string, e: unknown): string {
    const msg = describeError(e)
    notify('error', title, msg)
    return msg
  }

  function confirm(req: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
    confirmRequest.value?.resolve(false)
    return new Promise((resolve) => {
      confirmRequest.value = {
        ...req,
        resolve: (ok) => {
          confirmRequest.value = null
          resolve(ok)
        },
      }
    })
  }

  return { toasts, confirmRequest, sidebarCollapsed, toggleSidebar, notify, dismiss, error, confirm }
})
