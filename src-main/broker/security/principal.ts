// Kafka's KafkaPrincipal: "Type:name", User:ANONYMOUS before (or without) authentication.

export interface KafkaPrincipal {
  type: string
  name: string
}

export const ANONYMOUS: KafkaPrincipal = { type: 'User', name: 'ANONYMOUS' }

export function principalString(p: KafkaPrincipal): string {
  return `${p.type}:${p.name}`
}

/** Parses "Type:name" (the name may itself hold colons, as in an SSL distinguished name); null when there is no type. */
export function parsePrincipal(s: string): KafkaPrincipal | null {
  const at = s.indexOf(':')
  if (at <= 0) return null
  return { type: s.slice(0, at), name: s.slice(at + 1) }
}
