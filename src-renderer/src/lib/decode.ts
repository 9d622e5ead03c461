// Renders message bytes in the formats the messages view offers. The main process decodes
// too; these run in the renderer so switching format re-renders without refetching.

export type DataFormat = 'string' | 'json' | 'hex' | 'base64' | 'number'

export const DATA_FORMATS: { value: DataFormat; label: string }[] = [
  { value: 'string', label: 'String (UTF-8)' },
  { value: 'json', label: 'JSON' },
  { value: 'hex', label: 'Hex' },
  { value: 'base64', label: 'Base64' },
  { value: 'number', label: 'Number (big-endian)' },
]

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(bin)
}

export function bytesToHex(bytes: Uint8Array, spaced = true): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) {
    if (spaced && i > 0) s += ' '
    s += bytes[i]!.toString(16).padStart(2, '0')
  }
  return s
}

export function hexToBytes(hex: string): Uint8Array | null {
  const clean = hex.replace(/\s+/g, '')
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return null
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  return out
}

const utf8 = new TextDecoder('utf-8', { fatal: false })
const utf8Strict = new TextDecoder('utf-8', { fatal: true })

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes)
    return true
  } catch {
    return false
  }
}

/**
 * Interprets bytes as a big-endian number the way Kafka's serializers write them:
 * 1 byte (int8), 2 (int16), 4 (int32), 8 (int64, exact as a decimal string). Any other
 * length has no numeric meaning and yields null.
 */
export function bytesToNumber(bytes: Uint8Array): string | null {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  switch (bytes.length) {
    case 1:
      return String(v.getInt8(0))
    case 2:
      return String(v.getInt16(0))
    case 4:
      return String(v.getInt32(0))
    case 8:
      return v.getBigInt64(0).toString()
    default:
      return null
  }
}

export interface Decoded {
  text: string
  /** Set when the bytes don't fit the chosen format; `text` then holds a hex fallback. */
  error?: string
}

/** Decodes bytes in the chosen format; null bytes (a Kafka null key/value, a tombstone) render as "null". */
export function decodeBytes(bytes: Uint8Array | null, format: DataFormat): Decoded {
  if (bytes === null) return { text: 'null' }
  switch (format) {
    case 'string':
      return { text: utf8.decode(bytes) }
    case 'hex':
      return { text: bytesToHex(bytes) }
    case 'base64':
      return { text: bytesToBase64(bytes) }
    case 'number': {
      const n = bytesToNumber(bytes)
      return n === null ? { text: bytesToHex(bytes), error: `${bytes.length} bytes is not a 1/2/4/8-byte number` } : { text: n }
    }
    case 'json': {
      if (!isValidUtf8(bytes)) return { text: bytesToHex(bytes), error: 'not UTF-8' }
      const s = utf8.decode(bytes)
      try {
        return { text: JSON.stringify(JSON.parse(s), null, 2) }
      } catch (e) {
        return { text: s, error: `not JSON: ${(e as Error).message}` }
      }
    }
  }
}

/** Best guess of a value's format for the "auto" choice: JSON, then printable text, else hex. */
export function sniffFormat(bytes: Uint8Array | null): DataFormat {
  if (bytes === null || bytes.length === 0) return 'string'
  if (!isValidUtf8(bytes)) return 'hex'
  const s = utf8.decode(bytes)
  const t = s.trimStart()
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      JSON.parse(s)
      return 'json'
    } catch {
      /* fall through */
    }
  }
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f]/.test(s) ? 'hex' : 'string'
}

/** Encodes text typed into the produce form as bytes in the chosen format; throws with a clear reason. */
export function encodeText(text: string, format: DataFormat): Uint8Array {
  switch (format) {
    case 'string':
      return new TextEncoder().encode(text)
    case 'json':
      JSON.parse(text) // throws SyntaxError with position
      return new TextEncoder().encode(text)
    case 'hex': {
      const b = hexToBytes(text)
      if (!b) throw new Error('hex must be pairs of 0-9a-f digits')
      return b
    }
    case 'base64':
      try {
        return base64ToBytes(text.trim())
      } catch {
        throw new Error('not valid base64')
      }
    case 'number': {
      if (!/^-?\d+$/.test(text.trim())) throw new Error('number must be an integer')
      const b = new Uint8Array(8)
      new DataView(b.buffer).setBigInt64(0, BigInt(text.trim()))
      return b
    }
  }
}
