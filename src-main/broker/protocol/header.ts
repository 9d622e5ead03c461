import { type Reader, ProtocolError } from './reader'
import type { Writer } from './writer'

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

/** Reads the fixed part every request header version shares, then the client id (v1+). The
 * header version itself depends on whether the API's version is flexible, which only the
 * API registry knows, so the tagged-field tail is read by `skipHeaderTags`. */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16()
  const apiVersion = r.int16()
  const correlationId = r.int32()
  // ClientId keeps its int16 length even in flexible header v2 (KIP-482).
  const n = r.int16()
  const clientId = n < 0 ? null : r.string(n)
  return { apiKey, apiVersion, correlationId, clientId }
}

export function skipHeaderTags(r: Reader): void {
  let n = r.uvarint()
  while (n-- > 0) {
    r.uvarint()
    r.raw(r.uvarint())
  }
}

export function writeRequestHeader(w: Writer, h: RequestHeader, headerVersion: number): void {
  w.int16(h.apiKey)
  w.int16(h.apiVersion)
  w.int32(h.correlationId)
  if (headerVersion >= 1) {
    if (h.clientId === null) w.int16(-1)
    else {
      const n = Buffer.byteLength(h.clientId)
      w.int16(n)
      w.utf8(h.clientId, n)
    }
  }
  if (headerVersion >= 2) w.uvarint(0)
}

export function writeResponseHeader(w: Writer, correlationId: number, headerVersion: number): void {
  w.int32(correlationId)
  if (headerVersion >= 1) w.uvarint(0)
}

export { ProtocolError }
