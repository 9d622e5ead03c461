import { compile, type Codec } from './codec'
import { messages } from './messages/index'

const compiled = new Map<number, { request: Codec; response: Codec }>()

/** The compiled codecs of one API, built on first use. */
export function codecFor(apiKey: number): { request: Codec; response: Codec } {
  let c = compiled.get(apiKey)
  if (!c) {
    const m = messages[apiKey]
    if (!m) throw new Error(`no message declaration for API key ${apiKey}`)
    c = { request: compile(m.request), response: compile(m.response) }
    compiled.set(apiKey, c)
  }
  return c
}
