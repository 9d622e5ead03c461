// A small hash router: the app has a handful of screens and needs no history API
// (file:// in Electron, any path under `kafkadesk serve`).
import { reactive } from 'vue'

export interface Route {
  name: 'connections' | 'overview' | 'topics' | 'topic' | 'groups' | 'group' | 'throughput' | 'brokers' | 'transactions' | 'security'
  params: Record<string, string>
  query: Record<string, string>
}

const patterns: { name: Route['name']; re: RegExp; keys: string[] }[] = [
  { name: 'connections', re: /^\/connections$/, keys: [] },
  { name: 'overview', re: /^\/overview$/, keys: [] },
  { name: 'topics', re: /^\/topics$/, keys: [] },
  { name: 'topic', re: /^\/topics\/([^/]+)(?:\/([a-z]+))?$/, keys: ['topic', 'tab'] },
  { name: 'groups', re: /^\/groups$/, keys: [] },
  { name: 'group', re: /^\/groups\/([^/]+)$/, keys: ['group'] },
  { name: 'throughput', re: /^\/throughput$/, keys: [] },
  { name: 'transactions', re: /^\/transactions$/, keys: [] },
  { name: 'security', re: /^\/security(?:\/([a-z]+))?$/, keys: ['tab'] },
  { name: 'brokers', re: /^\/brokers(?:\/([a-z-]+))?$/, keys: ['tab'] },
]

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/overview'
  const [path = '', qs = ''] = raw.split('?')
  const query = Object.fromEntries(new URLSearchParams(qs))
  for (const p of patterns) {
    const m = p.re.exec(path)
    if (m) {
      const params: Record<string, string> = {}
      p.keys.forEach((k, i) => {
        const v = m[i + 1]
        if (v !== undefined) params[k] = decodeURIComponent(v)
      })
      return { name: p.name, params, query }
    }
  }
  return { name: 'overview', params: {}, query }
}

export const route = reactive<Route>(parseHash(location.hash))

window.addEventListener('hashchange', () => {
  Object.assign(route, parseHash(location.hash))
})

export function href(path: string): string {
  return `#${path}`
}

export function navigate(path: string): void {
  location.hash = path
}

export function topicPath(topic: string, tab?: string): string {
  return `/topics/${encodeURIComponent(topic)}${tab ? `/${tab}` : ''}`
}

export function groupPath(group: string): string {
  return `/groups/${encodeURIComponent(group)}`
}
