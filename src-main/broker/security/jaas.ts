// The one JAAS entry of a `sasl.jaas.config` value, as Kafka parses it:
//   <LoginModuleClass> <required|requisite|sufficient|optional> key="value" key=value … ;

export interface JaasEntry {
  loginModule: string
  flag: string
  options: Map<string, string>
}

export class JaasConfigError extends Error {}

export function parseJaasConfig(text: string): JaasEntry {
  let i = 0
  const s = text.trim()
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++
  }
  const word = (): string => {
    skipSpace()
    const start = i
    while (i < s.length && !/[\s=;"]/.test(s[i]!)) i++
    return s.slice(start, i)
  }
  const loginModule = word()
  const flag = word().toLowerCase()
  if (!loginModule || !['required', 'requisite', 'sufficient', 'optional'].includes(flag)) {
    throw new JaasConfigError(`Invalid JAAS config: expected "<LoginModule> required key=value …;", got ${JSON.stringify(text.slice(0, 80))}`)
  }
  const options = new Map<string, string>()
  for (;;) {
    skipSpace()
    if (i >= s.length) throw new JaasConfigError('Invalid JAAS config: the entry must end with ";"')
    if (s[i] === ';') break
    const key = word()
    skipSpace()
    if (!key || s[i] !== '=') throw new JaasConfigError(`Invalid JAAS config: expected key=value near ${JSON.stringify(s.slice(i, i + 30))}`)
    i++
    skipSpace()
    let value = ''
    if (s[i] === '"') {
      i++
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++
        value += s[i]
        i++
      }
      if (s[i] !== '"') throw new JaasConfigError('Invalid JAAS config: unterminated quoted value')
      i++
    } else {
      value = word()
    }
    options.set(key, value)
  }
  return { loginModule, flag, options }
}

/** The users of a PlainLoginModule entry: its user_<name>="<password>" options. */
export function plainUsers(entry: JaasEntry): Map<string, string> {
  const users = new Map<string, string>()
  for (const [k, v] of entry.options) if (k.startsWith('user_')) users.set(k.slice(5), v)
  return users
}
