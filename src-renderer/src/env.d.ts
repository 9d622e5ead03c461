declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface KafkadeskBridge {
  invoke(channel: string, request: unknown): Promise<unknown>
  /** Returns the unsubscribe function: contextBridge does not keep a function's identity across calls, so off(fn) cannot be relied on. */
  on(event: string, fn: (payload: unknown) => void): () => void
  off(event: string, fn: (payload: unknown) => void): void
}

interface Window {
  kafkadesk?: KafkadeskBridge
}
