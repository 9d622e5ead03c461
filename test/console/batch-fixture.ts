// Builds an uncompressed record batch (magic 2) for reader tests. CRC is left 0: the console's
// reader does not check it (the broker does).
function varint(n: number): Buffer {
  let v = n < 0 ? -2 * n - 1 : 2 * n
  const out: number[] = []
  do {
    let b = v & 0x7f
    v = Math.floor(v / 128)
    if (v) b |= 0x80
    out.push(b)
  } while (v)
  return Buffer.from(out)
}
const bytes = (b: Buffer | null) => (b === null ? varint(-1) : Buffer.concat([varint(b.length), b]))

export function buildBatchForTest(
  baseOffset: number,
  records: { key: Buffer | null; value: Buffer | null; headers: { key: string; value: Buffer | null }[] }[],
): Buffer {
  const recs = records.map((r, i) => {
    const body = Buffer.concat([
      Buffer.from([0]),
      varint(i),
      varint(i),
      bytes(r.key),
      bytes(r.value),
      varint(r.headers.length),
      ...r.headers.map((h) => Buffer.concat([bytes(Buffer.from(h.key)), bytes(h.value)])),
    ])
    return Buffer.concat([varint(body.length), body])
  })
  const head = Buffer.alloc(61)
  head.writeBigInt64BE(BigInt(baseOffset), 0)
  head.writeInt32BE(-1, 12) // partition leader epoch
  head.writeInt8(2, 16)
  head.writeInt16BE(0, 21)
  head.writeInt32BE(records.length - 1, 23)
  head.writeBigInt64BE(1000n, 27)
  head.writeBigInt64BE(1000n + BigInt(records.length - 1), 35)
  head.writeBigInt64BE(-1n, 43)
  head.writeInt16BE(-1, 51)
  head.writeInt32BE(-1, 53)
  head.writeInt32BE(records.length, 57)
  const batch = Buffer.concat([head, ...recs])
  batch.writeInt32BE(batch.length - 12, 8)
  return batch
}
