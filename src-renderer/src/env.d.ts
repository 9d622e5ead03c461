declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface KafkadeskBridge {
  invoke(channel: string, request: unknown): Promise<unknown>
  on(event: string, fn: (payload: unknown) => void): void
  off(event: string, fn: (payload: unknown) => void): void
}

interface Window {
  kafkadesk?: KafkadeskBridge
}
