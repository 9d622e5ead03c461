// Java .properties files (server.properties): key=value or key: value or "key value", # and !
// comments, a trailing backslash continuing a line, and Java's escapes.

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, '')
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    // An odd number of trailing backslashes continues the logical line.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, '')
    let k = 0
    let key = ''
    while (k < line.length && !/[=:\s]/.test(line[k]!)) {
      if (line[k] === '\\' && k + 1 < line.length) k++
      key += line[k]
      k++
    }
    while (k < line.length && /\s/.test(line[k]!)) k++
    if (line[k] === '=' || line[k] === ':') k++
    while (k < line.length && /\s/.test(line[k]!)) k++
    out[key] = unescapeValue(line.slice(k))
  }
  return out
}

function unescapeValue(v: string): string {
  return v.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16))
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'f' ? '\f' : c
  })
}
